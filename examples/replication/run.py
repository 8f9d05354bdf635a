"""Replicate an orders table into a replica through a stream trigger, and watch it converge.

    python examples/replication/run.py                       # starts its own in-memory server
    python examples/replication/run.py --endpoint http://127.0.0.1:4566

Creates `orders` (stream NEW_AND_OLD_IMAGES) and `orders-replica`, deploys replicator.py as a
function that fails on purpose in some batches (FAIL_RATE), maps the stream to it, then writes
a burst of inserts, updates (version + 1) and deletes while printing how much of the replica
matches the source, until it matches exactly.
"""

from __future__ import annotations

import argparse
import io
import random
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

HERE = Path(__file__).resolve().parent
CREDENTIALS = {"aws_access_key_id": "000000000000", "aws_secret_access_key": "x",
               "region_name": "us-east-1"}


def client(service: str, endpoint: str) -> Any:
    return boto3.client(service, endpoint_url=endpoint, config=Config(retries={"mode": "standard"}),
                        **CREDENTIALS)


def start_server() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "headwater", "serve", "--in-memory",
                                "--port", "0"], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def setup(endpoint: str, suffix: str, fail_rate: float) -> tuple[str, str]:
    ddb, lam = client("dynamodb", endpoint), client("lambda", endpoint)
    source, replica = f"orders-{suffix}", f"orders-replica-{suffix}"
    key = {"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
           "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
           "BillingMode": "PAY_PER_REQUEST"}
    ddb.create_table(TableName=source, StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}, **key)
    ddb.create_table(TableName=replica, **key)
    stream_arn = ddb.describe_table(TableName=source)["Table"]["LatestStreamArn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(HERE / "replicator.py", "replicator.py")
    function = f"replicator-{suffix}"
    lam.create_function(
        FunctionName=function, Runtime="python3.12", Handler="replicator.handler",
        Role="arn:aws:iam::000000000000:role/replicator", Code={"ZipFile": archive.getvalue()},
        Environment={"Variables": {"REPLICA_TABLE": replica, "FAIL_RATE": str(fail_rate)}})
    lam.create_event_source_mapping(FunctionName=function, EventSourceArn=stream_arn,
                                    StartingPosition="TRIM_HORIZON", BatchSize=50)
    return source, replica


def write_burst(ddb: Any, table: str, orders: int, changes: int) -> None:
    versions: dict[str, int] = {}
    for _ in range(changes):
        order = f"order-{random.randrange(orders):04d}"
        if order in versions and random.random() < 0.15:
            ddb.delete_item(TableName=table, Key={"id": {"S": order}})
            del versions[order]
            continue
        versions[order] = versions.get(order, 0) + 1
        ddb.put_item(TableName=table, Item={
            "id": {"S": order}, "version": {"N": str(versions[order])},
            "status": {"S": random.choice(["placed", "paid", "shipped", "delivered"])},
            "total": {"N": f"{random.randint(100, 99999) / 100:.2f}"}})


def snapshot(ddb: Any, table: str) -> dict[str, Any]:
    items: dict[str, Any] = {}
    for page in ddb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for item in page["Items"]:
            items[item["id"]["S"]] = item
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", help="a running Headwater (default: start one)")
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--changes", type=int, default=2000)
    parser.add_argument("--fail-rate", type=float, default=0.2,
                        help="share of batches the replicator crashes in half-way")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    server = None
    endpoint = args.endpoint
    if endpoint is None:
        server, endpoint = start_server()
    try:
        ddb = client("dynamodb", endpoint)
        source, replica = setup(endpoint, uuid.uuid4().hex[:6], args.fail_rate)
        started = time.monotonic()
        write_burst(ddb, source, args.orders, args.changes)
        print(f"wrote {args.changes} changes to {source} in {time.monotonic() - started:.1f} s")
        deadline = time.monotonic() + args.timeout
        while True:
            want, have = snapshot(ddb, source), snapshot(ddb, replica)
            same = sum(1 for k, v in want.items() if have.get(k) == v)
            extra = len(set(have) - set(want))
            print(f"  replica: {same}/{len(want)} orders match, {extra} extra")
            if same == len(want) and extra == 0:
                print(f"converged {time.monotonic() - started:.1f} s after the first write")
                return
            if time.monotonic() > deadline:
                sys.exit("replica did not converge in time")
            time.sleep(0.5)
    finally:
        if server is not None:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
