"""Idle CPU of a server holding many enabled event source mappings and no traffic.

    .venv/bin/python bench/idle.py                       # 200 mappings, 20 s window
    .venv/bin/python bench/idle.py --mappings 200 --seconds 30 --tables 20

`--tables` tables with a NEW_IMAGE stream (4 shards each, the default) and `--mappings` /
`--tables` functions per table each get one mapping (LATEST). Once every mapping is Enabled and
a settling pause has passed, the server's CPU time (utime + stime from /proc/PID/stat, its
children not included: no function worker starts without records) is read over `--seconds`.
The figure is the share of one core the idle server uses; a server with no mappings is measured
first in the same run as the floor.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lambdas import CREDENTIALS, ROLE, zipped  # noqa: E402
from peers import start_headwater  # noqa: E402

HANDLER = "def handler(event, context):\n    return None\n"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def set_up(url: str, tables: int, mappings: int) -> None:
    ddb = boto3.client("dynamodb", endpoint_url=url, **CREDENTIALS)
    lam = boto3.client("lambda", endpoint_url=url, **CREDENTIALS)
    per_table = max(1, mappings // max(tables, 1))
    code = zipped(HANDLER)
    for f in range(per_table):
        lam.create_function(FunctionName=f"idle-{f}", Runtime="python3.12", Role=ROLE,
                            Handler="handler.handler", Code={"ZipFile": code})
    made = 0
    for t in range(tables):
        name = f"idle-{t}"
        ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         StreamSpecification={"StreamEnabled": True,
                                              "StreamViewType": "NEW_IMAGE"})
        arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
        for f in range(per_table):
            if made == mappings:
                break
            lam.create_event_source_mapping(FunctionName=f"idle-{f}", EventSourceArn=arn,
                                            StartingPosition="LATEST", BatchSize=10)
            made += 1
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        states = [m["State"] for page in lam.get_paginator("list_event_source_mappings")
                  .paginate() for m in page["EventSourceMappings"]]
        if len(states) == made and all(s == "Enabled" for s in states):
            return
        time.sleep(0.2)
    raise SystemExit("mappings did not all become Enabled within 60 s")


def idle_share(pid: int, seconds: float) -> float:
    before, started = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(pid) - before) / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mappings", type=int, default=200)
    parser.add_argument("--tables", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--settle", type=float, default=3.0)
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}")
    for mappings in (0, args.mappings):
        server = start_headwater("headwater", None)
        try:
            set_up(server.url(), args.tables if mappings else 0, mappings)
            time.sleep(args.settle)
            share = idle_share(server.pid(), args.seconds)
            print(f"  {mappings:4d} mappings: idle server CPU {share * 100:6.3f}% of a core "
                  f"over {args.seconds:.0f} s")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
