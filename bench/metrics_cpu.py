"""CPU cost of CloudWatch metrics recording on PutItem, in process (no HTTP, no client).

    .venv/bin/python bench/metrics_cpu.py [--requests 20000] [--rounds 5]

Calls DynamoDB's PutItem operation directly on a Runtime over a temporary data directory, once
as registered (wrapped by cloudwatch.dynamodb_metrics.recording) and once bare, alternating
every 500 requests, and prints the median and the least process CPU time per request of
each (over those turns; the least is the steadier figure on a loaded machine) and the
difference: the recorder's own cost, free of the wall-clock noise of bench/metrics.py on a
shared machine. Items are ~1 KB with fresh keys, as in bench/dynamodb_items.py; run it with
another tree's `src` first on PYTHONPATH to measure that tree.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from headwater.cloudwatch.dynamodb_metrics import recording
from headwater.core.context import RequestContext
from headwater.dynamodb.service import OPERATIONS
from headwater.runtime import Runtime
from headwater.settings import Settings

ACCOUNT, REGION = "000000000000", "us-east-1"
CHUNK = 500  # requests per turn: bare and recorded alternate often, so drift hits both


def run(runtime: Runtime, operation: Any, prefix: str, count: int) -> float:
    """CPU seconds per PutItem over `count` requests, each with its own context."""
    filler = "x" * 940
    started = time.process_time()
    for number in range(count):
        ctx = RequestContext(ACCOUNT, REGION, "bench", runtime)
        operation(ctx, {"TableName": "bench", "Item": {
            "pk": {"S": f"{prefix}-{number}"}, "data": {"S": filler}, "n": {"N": "12345.678"},
            "ok": {"BOOL": True}, "tags": {"SS": ["a", "b", "c"]}}})
    return (time.process_time() - started) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    runtime = Runtime(Settings(data_dir=Path(tempfile.mkdtemp(prefix="hw-bench-"))))
    try:
        ctx = RequestContext(ACCOUNT, REGION, "bench", runtime)
        OPERATIONS["CreateTable"](ctx, {
            "TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]})
        bare = OPERATIONS["PutItem"]
        recorded = recording({"PutItem": bare})["PutItem"]
        run(runtime, recorded, "warm", 2000)
        times: dict[str, list[float]] = {"bare": [], "recorded": []}
        for round_ in range(args.rounds * args.requests // CHUNK):
            for name, operation in (("bare", bare), ("recorded", recorded)):
                times[name].append(run(runtime, operation, f"{name}{round_}", CHUNK))
        for label, pick in (("median", statistics.median), ("min", min)):
            bare_us = pick(times["bare"]) * 1e6
            recorded_us = pick(times["recorded"]) * 1e6
            print(f"{label:6} PutItem CPU per request: bare {bare_us:.1f} us, with metrics "
                  f"{recorded_us:.1f} us, metrics cost {recorded_us - bare_us:.1f} us "
                  f"({100 * (recorded_us / bare_us - 1):.1f} %)")
    finally:
        runtime.close()


if __name__ == "__main__":
    main()
