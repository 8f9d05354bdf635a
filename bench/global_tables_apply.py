"""In process: CPU per PutItem on a plain table, a table with a stream and a global table
(the source side), and per replicated change applied to the other replica (the replicator's
apply path: read the source stream, apply, move the position), without HTTP or a client.

    .venv/bin/python bench/global_tables_apply.py [--base DIR] [--rounds 5] [--instructions]

Runs a Runtime in memory in a child process per tree (this tree, and `--base DIR`'s `src` first
on PYTHONPATH: `git archive main src | tar -x -C DIR`), alternating round by round; each round
writes 2,000 fresh ~1 KB items per table and then applies the global table's backlog in batches
of 16 (a commit group's worth, as under bench/global_tables.py's load). Process CPU time, least
and median over rounds: steadier than the server figures on a shared machine.

`--instructions` counts instructions instead (callgrind, as bench/instructions.py): one child
per figure, under `valgrind --tool=callgrind --instr-atstart=no`, switches instrumentation on
(`callgrind_control`) around that figure's writes or applies only; the cost of switching it on
and off is measured alone and taken out. Repeatable to ~1% on a loaded machine; a few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
ACCOUNT, REGION = "000000000000", "us-east-1"
BATCH = 16
WRITES = 2000


FIGURES = ("plain", "stream", "global", "apply")


def instrument(on: bool) -> None:
    """Switch callgrind's instrumentation of this process on or off (waits until it is)."""
    subprocess.run(["callgrind_control", f"--instr={'on' if on else 'off'}", str(os.getpid())],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def measure_once(only: str | None = None) -> dict[str, float]:
    """One round in this process (the tree on sys.path): microseconds per operation; with
    `only` (under callgrind), instrumentation is on for that figure's work alone."""
    if only == "toggle":
        instrument(True)
        instrument(False)
        return {}
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
        if only is not None and only not in (table, "apply", "global"):
            continue
        if only == table:
            instrument(True)
        started = time.process_time()
        for number in range(WRITES):
            call("PutItem", {"TableName": table, "Item": {
                "pk": {"S": f"k{number}"}, "data": {"S": filler}, "n": {"N": "12345.678"},
                "ok": {"BOOL": True}, "tags": {"SS": ["a", "b", "c"]}}})
        result[table] = (time.process_time() - started) / WRITES * 1e6
        if only == table:
            instrument(False)
            return {"count": WRITES}
    if only == "apply":
        instrument(True)
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
    if only == "apply":
        instrument(False)
        return {"count": applied}
    runtime.close()
    return result


def run_tree(source: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(source / "src")}
    output = subprocess.run([sys.executable, __file__, "--child"], env=env, check=True,
                            capture_output=True, text=True).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def count_tree(source: Path, only: str) -> tuple[int, int]:
    """(instructions counted, operations done) of one figure's child under callgrind."""
    env = {**os.environ, "PYTHONPATH": str(source / "src"), "PYTHONHASHSEED": "0"}
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "valgrind.log"
        output = subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no",
             "--callgrind-out-file=/dev/null", f"--log-file={log}", sys.executable, __file__,
             "--child", "--only", only], env=env, check=True, capture_output=True,
            text=True).stdout
        found = re.search(r"Collected : (\d+)", log.read_text())
    if found is None:
        raise RuntimeError("callgrind reported no count")
    return int(found.group(1)), int(json.loads(output.strip().splitlines()[-1]).get("count", 0))


def count_instructions(trees: list[tuple[str, Path]]) -> None:
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        sys.exit("valgrind (callgrind) is not installed")
    print("instructions per operation (callgrind):", flush=True)
    for name, source in trees:
        toggle = count_tree(source, "toggle")[0]
        figures = {}
        for only in FIGURES:
            counted, done = count_tree(source, only)
            figures[only] = (counted - toggle) / done
        line = "  ".join(f"{k} {v:,.0f}" for k, v in figures.items())
        extra = figures["global"] + figures["apply"] - figures["plain"]
        print(f"  {name:<9}  PutItem {line}  -> a replicated write costs {extra:,.0f} more "
              f"than a plain one", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions under callgrind instead of timing")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--only", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_once(args.only)))
        return
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    trees = [("this tree", HERE)] + ([("base", args.base)] if args.base else [])
    if args.instructions:
        count_instructions(trees)
        return
    results: dict[str, list[dict[str, float]]] = {name: [] for name, _ in trees}
    for _ in range(args.rounds):
        for name, source in trees:
            results[name].append(run_tree(source))
    print(f"CPU per operation, us (least / median of {args.rounds} rounds):")
    for name, _ in trees:
        rounds = results[name]
        figures = {k: (min(r[k] for r in rounds), statistics.median(r[k] for r in rounds))
                   for k in FIGURES}
        line = "  ".join(f"{k} {low:.1f}/{mid:.1f}" for k, (low, mid) in figures.items())
        extra = figures["global"][0] + figures["apply"][0] - figures["plain"][0]
        print(f"  {name:<9}  PutItem {line}  -> a replicated write costs {extra:.1f} us more "
              f"than a plain one (least)")


if __name__ == "__main__":
    main()
