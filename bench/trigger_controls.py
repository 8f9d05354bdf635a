"""Stream-processing control figures: ParallelizationFactor throughput and filter cost.

    .venv/bin/python bench/trigger_controls.py
    .venv/bin/python bench/trigger_controls.py --records 2000 --batch-size 1 --shards 1 4
    .venv/bin/python bench/trigger_controls.py --repeat 3 --filter-records 1000

1. Delivery throughput with ParallelizationFactor 1 versus 10. A table's stream is filled with
   `--records` records over many partition keys (BatchWriteItem), then a mapping with
   `--batch-size` and TRIM_HORIZON delivers them to a handler that sleeps 5 ms per batch; the
   figure is records / (last record delivered - CreateEventSourceMapping), read from the
   mapping's delivered-records counter at /metrics; with the CPU time of the server (and its
   function workers) per record and the mapping's invocations (load-independent: records per
   invocation shows how full the batches were). With one batch in flight per shard the
   sleep bounds a shard at batch-size / 5 ms; with factor N, up to N batches per shard run at
   once (aws-facts §4.1). The server runs in memory, once with 1 shard per stream and once
   with 4 (its default); `--shards`. Both sides share the machine: once the server and the
   function workers use every core, more lanes cannot go faster.
2. Filter evaluation cost per record, in process: the event each record becomes, parsed and
   matched against FilterCriteria of increasing complexity (aws-facts §4.7), the way a consumer
   does it as records join a batch.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

import boto3
import orjson
import urllib3

from headwater.triggers.events import event_record
from headwater.triggers.filter_patterns import compile_filters

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lambdas import CREDENTIALS, create_stream_function  # noqa: E402
from peers import start_headwater  # noqa: E402

SLEEPING_HANDLER = '''
import time

def handler(event, context):
    time.sleep(SECONDS)
'''
NO_OP_HANDLER = '''
def handler(event, context):
    return None
'''
TICKS = os.sysconf("SC_CLK_TCK")
ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/bench/stream/2026-01-01T00:00:00.000"
FILTERS = {
    "eventName equals": [{"eventName": ["INSERT"]}],
    "typed value prefix": [{"dynamodb": {"NewImage": {"city": {"S": [{"prefix": "us-"}]}}}}],
    "3 fields AND, anything-but, numeric": [{
        "eventName": ["INSERT", "MODIFY"],
        "dynamodb": {"NewImage": {"kind": {"S": [{"anything-but": ["view", "comment"]}]}},
                     "ApproximateCreationDateTime": [{"numeric": [">", 0]}]}}],
    "5 filters OR-ed, $or": [
        {"eventName": ["REMOVE"]},
        {"dynamodb": {"NewImage": {"kind": {"S": ["share"]}}}},
        {"userIdentity": {"type": ["Service"]}},
        {"$or": [{"dynamodb": {"Keys": {"pk": {"S": [{"suffix": "-x"}]}}}},
                 {"dynamodb": {"NewImage": {"city": {"S": [{"equals-ignore-case": "OSLO"}]}}}}]},
        {"dynamodb": {"NewImage": {"city": {"S": [{"wildcard": "eu-*-1"}]}}}}],
}


def counter(http: urllib3.PoolManager, url: str, uuid: str, name: str) -> float:
    """A mapping's headwater_trigger_<name>_total counter at /metrics, summed over shards."""
    text = http.request("GET", f"{url}/metrics").data.decode()
    pattern = re.compile(r'^headwater_trigger_' + name + r'_total\{.*uuid="' + uuid
                         + r'".*\} (\S+)$', re.M)
    return sum(float(value) for value in pattern.findall(text))


def delivered(http: urllib3.PoolManager, url: str, uuid: str) -> float:
    return counter(http, url, uuid, "records_delivered")


def own_cpu(pid: int) -> float:
    """CPU seconds of the server process alone."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def tree_cpu(pid: int) -> tuple[float, int]:
    """CPU seconds of the server and its live children (the function workers), and how many
    children there are."""
    total, children = 0.0, 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if entry.name == str(pid) or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / TICKS
            children += entry.name != str(pid)
    return total, children


def throughput(url: str, pid: int, factor: int, records: int, batch_size: int,
               handler_ms: float) -> tuple[float, float, float, int, int]:
    """(records/s, CPU us per record of server and workers, of the server alone, workers
    alive at the end, invocations the mapping made)."""
    ddb = boto3.client("dynamodb", endpoint_url=url, **CREDENTIALS)
    lam = boto3.client("lambda", endpoint_url=url, **CREDENTIALS)
    name = f"pf{factor}"
    source = (SLEEPING_HANDLER.replace("SECONDS", repr(handler_ms / 1000)) if handler_ms
              else NO_OP_HANDLER)
    arn = create_stream_function(ddb, lam, name, source)
    for start in range(0, records, 25):
        ddb.batch_write_item(RequestItems={name: [
            {"PutRequest": {"Item": {"pk": {"S": f"key-{i % 500}-{i}"}}}}
            for i in range(start, min(start + 25, records))]})
    http = urllib3.PoolManager()
    cpu0, _ = tree_cpu(pid)
    server0 = own_cpu(pid)
    started = time.monotonic()
    uuid = lam.create_event_source_mapping(
        FunctionName=name, EventSourceArn=arn, StartingPosition="TRIM_HORIZON",
        BatchSize=batch_size, ParallelizationFactor=factor)["UUID"]
    while delivered(http, url, uuid) < records:
        if time.monotonic() - started > 300:
            raise SystemExit("delivery did not finish in 300 s")
        time.sleep(0.02)
    elapsed = time.monotonic() - started
    cpu1, workers = tree_cpu(pid)
    server1 = own_cpu(pid)
    invocations = int(counter(http, url, uuid, "invocations"))
    return (records / elapsed, (cpu1 - cpu0) / records * 1e6,
            (server1 - server0) / records * 1e6, workers, invocations)


def sample_events(count: int) -> list[bytes]:
    arn_json = orjson.dumps(ARN)
    kinds, cities = ["like", "view", "comment", "share"], ["us-east-1", "eu-west-1", "oslo"]
    events = []
    for i in range(count):
        image = {"pk": {"S": f"user-{i}"}, "kind": {"S": kinds[i % 4]},
                 "city": {"S": cities[i % 3]}, "n": {"N": str(i)}}
        record = {"eventID": f"{i:032x}", "eventName": "INSERT", "eventVersion": "1.1",
                  "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
                  "dynamodb": {"ApproximateCreationDateTime": 1767225600.0,
                               "Keys": {"pk": image["pk"]}, "NewImage": image,
                               "SequenceNumber": f"{i + 1:021d}", "SizeBytes": 120,
                               "StreamViewType": "NEW_IMAGE"}}
        events.append(event_record(orjson.dumps(record), arn_json))
    return events


def filter_costs(count: int) -> None:
    events = sample_events(count)
    started = time.perf_counter()
    for event in events:
        orjson.loads(event)
    parse_us = (time.perf_counter() - started) / count * 1e6
    print(f"  parse the event (orjson.loads)                    {parse_us:6.2f} µs/record")
    for label, patterns in FILTERS.items():
        matcher = compile_filters([{"Pattern": orjson.dumps(p).decode()} for p in patterns])
        assert matcher is not None
        started = time.perf_counter()
        passed = sum(1 for event in events if matcher(orjson.loads(event)))
        total_us = (time.perf_counter() - started) / count * 1e6
        print(f"  parse + match: {label:<36} {total_us:6.2f} µs/record "
              f"({passed / count:4.0%} pass)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=8000)
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--shards", type=int, nargs="*", default=[1, 4],
                        help="shards per stream, one run each")
    parser.add_argument("--handler-ms", type=float, nargs="*", default=[5.0, 0.0],
                        help="what the handler sleeps per batch, one run each (0: returns "
                        "at once)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per factor, alternating 1 and 10; the speed-up is the ratio "
                        "of the median rates (a loaded machine swings single runs by 20%%)")
    parser.add_argument("--filter-records", type=int, default=50000)
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}")
    for handler_ms in args.handler_ms:
        for shards in args.shards:
            handler = f"sleeps {handler_ms:g} ms" if handler_ms else "returns at once"
            print(f"delivery throughput, {args.records} records, BatchSize {args.batch_size}, "
                  f"handler {handler}, {shards} shard(s) per stream:")
            figures: dict[int, list[float]] = {1: [], 10: []}
            for _ in range(args.repeat):
                for factor in (1, 10):
                    # A server per run: the second must not start with the first's workers.
                    server = start_headwater("headwater", None,
                                             extra=["--stream-shards", str(shards)])
                    try:
                        rate, cpu_us, server_us, workers, calls = throughput(
                            server.url(), server.pid(), factor, args.records,
                            args.batch_size, handler_ms)
                    finally:
                        server.stop()
                    figures[factor].append(rate)
                    print(f"  ParallelizationFactor {factor:>2}: {rate:8.0f} records/s, "
                          f"{cpu_us:6.1f} us CPU/record (server + workers; server "
                          f"{server_us:.1f}), {workers} workers, {calls} invocations "
                          f"({args.records / max(calls, 1):.1f} records each)")
            speed_up = statistics.median(figures[10]) / statistics.median(figures[1])
            print(f"  speed-up: {speed_up:.2f}x")
    print(f"filter evaluation cost, {args.filter_records} records:")
    filter_costs(args.filter_records)


if __name__ == "__main__":
    main()
