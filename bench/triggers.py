"""Stream trigger figures: end-to-end latency and delivery throughput.

    .venv/bin/python bench/triggers.py
    .venv/bin/python bench/triggers.py --samples 500 --records 200000

1. Latency: PutItem returns -> handler starts, with MaximumBatchingWindowInSeconds 0. One
   writer puts an item, waits until the handler has seen it, and puts the next; the handler
   notes `time.time()` on entry, the writer notes it when the PutItem response arrives (same
   machine, same clock; the handler can start before the writer has parsed its response, so
   small values, even negative ones, are real). Goal: p50 under 5 ms (AWS polls each shard 4
   times a second).
2. Throughput: a table's stream is filled with `--records` records (BatchWriteItem), then a
   mapping with BatchSize 1000 and TRIM_HORIZON delivers them to a no-op handler over all
   shards; the figure is records / (last record delivered - CreateEventSourceMapping), read
   from the mapping's delivered-records counter at /metrics. Goal: at least 20,000 records/s.

The server runs in memory with its default 4 shards per stream; the writer uses hand-built
PutItem requests on one keep-alive connection so the client is cheap.
"""

from __future__ import annotations

import argparse
import http.client
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import boto3
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lambdas import CREDENTIALS, create_stream_function  # noqa: E402
from peers import start_headwater  # noqa: E402

AUTHORIZATION = ("AWS4-HMAC-SHA256 Credential=000000000000/20250101/us-east-1/dynamodb/"
                 "aws4_request, SignedHeaders=host, Signature=0")
LATENCY_HANDLER = '''
import os, time
OUT = open(os.environ["OUT"], "a", buffering=1)

def handler(event, context):
    started = time.time()
    for record in event["Records"]:
        OUT.write(record["dynamodb"]["Keys"]["pk"]["S"] + " " + repr(started) + "\\n")
'''
NOOP_HANDLER = '''
def handler(event, context):
    return None
'''


def setup(url: str, name: str, handler: str, env: dict[str, str] | None = None
          ) -> tuple[str, str]:
    ddb = boto3.client("dynamodb", endpoint_url=url, **CREDENTIALS)
    lam = boto3.client("lambda", endpoint_url=url, **CREDENTIALS)
    arn = create_stream_function(ddb, lam, name, handler, MemorySize=1024,
                                 Environment={"Variables": env or {}})
    return name, arn


class Writer:
    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").rsplit(":", 1)
        self.conn = http.client.HTTPConnection(host, int(port))

    def call(self, target: str, body: dict[str, Any]) -> bytes:
        self.conn.request("POST", "/", orjson.dumps(body), {
            "X-Amz-Target": f"DynamoDB_20120810.{target}", "Authorization": AUTHORIZATION,
            "Content-Type": "application/x-amz-json-1.0"})
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise SystemExit(f"{target} failed: {data[:200]!r}")
        return data


def latency(url: str, samples: int) -> list[float]:
    out = Path(tempfile.mkdtemp(prefix="hw-bench-")) / "starts.txt"
    table, arn = setup(url, "latency", LATENCY_HANDLER, {"OUT": str(out)})
    lam = boto3.client("lambda", endpoint_url=url, **CREDENTIALS)
    uuid = lam.create_event_source_mapping(FunctionName="latency", EventSourceArn=arn,
                                           StartingPosition="LATEST",
                                           MaximumBatchingWindowInSeconds=0)["UUID"]
    while lam.get_event_source_mapping(UUID=uuid)["State"] != "Enabled":
        time.sleep(0.01)
    writer = Writer(url)
    out.touch()
    reader = out.open()
    found: dict[str, float] = {}
    put_done: dict[str, float] = {}
    for i in range(samples + 20):  # the first 20 warm the worker and connections
        key = f"k{i}"
        writer.call("PutItem", {"TableName": table, "Item": {"pk": {"S": key}}})
        put_done[key] = time.time()
        deadline = time.monotonic() + 10
        while key not in found:
            line = reader.readline()
            if line.endswith("\n"):
                seen, started = line.split()
                found[seen] = float(started)
            elif time.monotonic() > deadline:
                raise SystemExit(f"the handler never saw {key}")
            else:
                time.sleep(0.0002)
    return [(found[f"k{i}"] - put_done[f"k{i}"]) * 1000 for i in range(20, samples + 20)]


def fill(url: str, table: str, records: int, threads: int = 4) -> None:
    def load(start: int, stop: int) -> None:
        writer = Writer(url)
        for first in range(start, stop, 25):
            items = [{"PutRequest": {"Item": {"pk": {"S": f"r{n}"}, "v": {"N": str(n)}}}}
                     for n in range(first, min(first + 25, stop))]
            writer.call("BatchWriteItem", {"RequestItems": {table: items}})

    share = -(-records // threads)
    workers = [threading.Thread(target=load, args=(t * share, min((t + 1) * share, records)))
               for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def delivered(url: str, uuid: str) -> int:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port))
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    conn.close()
    pattern = re.compile(r'^headwater_trigger_records_delivered_total\{[^}]*uuid="'
                         + re.escape(uuid) + r'"[^}]*\} ([0-9.e+]+)$', re.M)
    return int(sum(float(v) for v in pattern.findall(text)))


def throughput(url: str, records: int) -> tuple[float, float]:
    table, arn = setup(url, "throughput", NOOP_HANDLER)
    started = time.monotonic()
    fill(url, table, records)
    fill_rate = records / (time.monotonic() - started)
    lam = boto3.client("lambda", endpoint_url=url, **CREDENTIALS)
    started = time.monotonic()
    uuid = lam.create_event_source_mapping(FunctionName="throughput", EventSourceArn=arn,
                                           StartingPosition="TRIM_HORIZON",
                                           BatchSize=1000)["UUID"]
    while delivered(url, uuid) < records:
        if time.monotonic() - started > 600:
            raise SystemExit("delivery did not finish in 10 minutes")
        time.sleep(0.01)
    return records / (time.monotonic() - started), fill_rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--server-args", default="", help="extra `headwater serve` arguments")
    args = parser.parse_args()
    server = start_headwater("headwater", None, extra=args.server_args.split())
    url = server.url()
    try:
        times = sorted(latency(url, args.samples))
        p50 = statistics.median(times)
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(f"latency PutItem -> handler start (window 0, {len(times)} samples): "
              f"p50 {p50:.2f} ms, p99 {p99:.2f} ms, min {times[0]:.2f} ms, max {times[-1]:.2f} ms "
              f"[goal p50 < 5 ms: {'met' if p50 < 5 else 'MISSED'}]")
        rate, fill_rate = throughput(url, args.records)
        print(f"throughput to a no-op handler (BatchSize 1000, 4 shards, {args.records} records): "
              f"{rate:,.0f} records/s [goal >= 20,000: {'met' if rate >= 20_000 else 'MISSED'}]"
              f" (stream filled at {fill_rate:,.0f} records/s)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
