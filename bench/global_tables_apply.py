"""In process: CPU per PutItem on a plain table, a table with a stream and a global table
(the source side), and per replicated change applied to the other replica (the replicator's
apply path: read the source stream, apply, move the position), without HTTP or a client.

    .venv/bin/python bench/global_tables_apply.py [--base DIR] [--rounds 5]

Runs a Runtime in memory in a child process per tree (this tree, and `--base DIR`'s `src` first
on PYTHONPATH: `git archive main src | tar -x -C DIR`), alternating round by round; each round
writes 2,000 fresh ~1 KB items per table and then applies the global table's backlog in batches
of 16 (a commit group's worth, as under bench/global_tables.py's load). Process CPU time, least
and median over rounds: steadier than the server figures on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
ACCOUNT, REGION = "000000000000", "us-east-1"
BATCH = 16
WRITES = 2000


def measure_once() -> dict[str, float]:
    """One round in this process (the tree on sys.path): microseconds per operation."""
    from headwater.core.context import RequestContext
    from headwater.dynamodb.service import OPERATIONS
    from headwater.replication import store
    from headwater.replication.apply import apply_batch
    from headwater.runtime import Runtime
    from headwater.settings import Settings

    runtime = Runtime(Settings(data_dir=None))

    def call(operation: str, request: dict[str, Any]) -> Any:
        return OPERATIONS[operation](RequestContext(ACCOUNT, REGION, "bench", runtime), request)

    key = {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
           "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
           "BillingMode": "PAY_PER_REQUEST"}
    call("CreateTable", {"TableName": "plain", **key})
    call("CreateTable", {"TableName": "stream", **key, "StreamSpecification": {
        "StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}})
    call("CreateTable", {"TableName": "global", **key})
    call("UpdateTable", {"TableName": "global",
                         "ReplicaUpdates": [{"Create": {"RegionName": "us-west-2"}}]})
    source = runtime.tables.find(ACCOUNT, REGION, "global")
    target = runtime.tables.find(ACCOUNT, "us-west-2", "global")
    assert source is not None and target is not None
    stream = runtime.streams.current_stream(ACCOUNT, REGION, "global")
    read = getattr(runtime.streams, "local_records_after", None) or getattr(
        runtime.streams, "records_after")
    filler = "x" * 940
    result: dict[str, float] = {}
    for table in ("plain", "stream", "global"):
        started = time.process_time()
        for number in range(WRITES):
            call("PutItem", {"TableName": table, "Item": {
                "pk": {"S": f"k{number}"}, "data": {"S": filler}, "n": {"N": "12345.678"},
                "ok": {"BOOL": True}, "tags": {"SS": ["a", "b", "c"]}}})
        result[table] = (time.process_time() - started) / WRITES * 1e6
    started = time.process_time()
    applied = 0
    while True:
        position = store.position(runtime.storage.conn, source.id, target.id)
        rows = read(stream, position, BATCH)
        if not rows:
            break
        apply_batch(runtime, source, target, rows)
        applied += len(rows)
    result["apply"] = (time.process_time() - started) / max(applied, 1) * 1e6
    runtime.close()
    return result


def run_tree(source: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(source / "src")}
    output = subprocess.run([sys.executable, __file__, "--child"], env=env, check=True,
                            capture_output=True, text=True).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_once()))
        return
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    trees = [("this tree", HERE)] + ([("base", args.base)] if args.base else [])
    results: dict[str, list[dict[str, float]]] = {name: [] for name, _ in trees}
    for _ in range(args.rounds):
        for name, source in trees:
            results[name].append(run_tree(source))
    print(f"CPU per operation, us (least / median of {args.rounds} rounds):")
    for name, _ in trees:
        rounds = results[name]
        figures = {k: (min(r[k] for r in rounds), statistics.median(r[k] for r in rounds))
                   for k in ("plain", "stream", "global", "apply")}
        line = "  ".join(f"{k} {low:.1f}/{mid:.1f}" for k, (low, mid) in figures.items())
        extra = figures["global"][0] + figures["apply"][0] - figures["plain"][0]
        print(f"  {name:<9}  PutItem {line}  -> a replicated write costs {extra:.1f} us more "
              f"than a plain one (least)")


if __name__ == "__main__":
    main()
