"""DynamoDB Streams figures: Headwater beside moto's server (when `moto` is importable).

    .venv/bin/python bench/streams.py
    .venv/bin/python bench/streams.py --peers headwater --duration 3 --records 20000

For each peer in turn (one at a time; they share this machine's cores):

1. PutItem on a table without a stream and on one with a NEW_AND_OLD_IMAGES stream (closed-loop
   keep-alive clients from bench/loadgen.py), alternating `--rounds` times in ABBA order on the
   same server (so neither table is always measured first, on the fresher database or the
   quieter minute); each phase reports throughput and the server's CPU per request (from
   /proc). The stream's cost is the median drop in throughput and the median rise in CPU per
   request. Goal (issue 19): under 15 %.
2. GetRecords drain rate: fill a stream with `--records` records, then read every shard from
   TRIM_HORIZON with Limit 1000 over one keep-alive connection (http.client). Goal: at least
   50,000 records/s.
3. Tail latency: a writer puts items on a one-shard stream while a reader polls a LATEST
   iterator on another connection; the figure is the time from PutItem returning to the
   reader receiving that record (p50/p99).

The client is deliberately thin (hand-built JSON bodies, a fixed fake SigV4 header, responses
scanned rather than fully parsed where only a count or the next iterator is needed) so that the
server, not the client, is measured.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import AUTHORIZATION, measure, put_workload  # noqa: E402
from peers import (  # noqa: E402
    Peer,
    cpu_seconds,
    create_table,
    start_headwater,
    start_moto,
    temp_data_dir,
)

ALL_PEERS = ("headwater", "moto")
# Whitespace-tolerant: moto pretty-prints some responses.
NEXT_ITERATOR = re.compile(rb'"NextShardIterator":\s*"([^"]+)"')
TAIL_KEY = re.compile(rb'"Keys":\s*\{\s*"pk":\s*\{\s*"S":\s*"(t\d+)"')
EVENT_ID = b'"eventID"'


@dataclass
class Figures:
    peer: str
    puts_plain: float = 0.0
    puts_stream: float = 0.0
    put_p50_ms: float = 0.0
    put_stream_p50_ms: float = 0.0
    cpu_plain_us: float = 0.0   # server CPU per PutItem, median over rounds
    cpu_stream_us: float = 0.0
    drained: int = 0
    drain_per_second: float = 0.0
    tail_p50_ms: float = 0.0
    tail_p99_ms: float = 0.0
    tail_samples: int = 0
    notes: str = ""


class Client:
    """One keep-alive connection speaking JSON 1.0 to DynamoDB or DynamoDB Streams."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.conn = http.client.HTTPConnection(*address, timeout=30)

    def raw(self, target: str, body: bytes) -> bytes:
        self.conn.request("POST", "/", body, {
            "X-Amz-Target": target,
            "Content-Type": "application/x-amz-json-1.0",
            "Authorization": AUTHORIZATION,
            "X-Amz-Date": "20260101T000000Z",
        })
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{target} answered {response.status}: {data[:300]!r}")
        return data

    def ddb(self, operation: str, body: bytes) -> bytes:
        return self.raw(f"DynamoDB_20120810.{operation}", body)

    def streams(self, operation: str, body: bytes) -> bytes:
        return self.raw(f"DynamoDBStreams_20120810.{operation}", body)

    def close(self) -> None:
        self.conn.close()


def stream_arn(client: Client, table: str) -> str:
    described = orjson.loads(client.ddb("DescribeTable", b'{"TableName":"%s"}' % table.encode()))
    return str(described["Table"]["LatestStreamArn"])


def shard_ids(client: Client, arn: str) -> list[str]:
    ids: list[str] = []
    request: dict[str, str] = {"StreamArn": arn}
    while True:
        description = orjson.loads(client.streams("DescribeStream", orjson.dumps(request)))
        ids.extend(s["ShardId"] for s in description["StreamDescription"]["Shards"])
        last = description["StreamDescription"].get("LastEvaluatedShardId")
        if not last:
            return ids
        request["ExclusiveStartShardId"] = last


def iterator(client: Client, arn: str, shard: str, kind: str) -> str:
    body = orjson.dumps({"StreamArn": arn, "ShardId": shard, "ShardIteratorType": kind})
    return str(orjson.loads(client.streams("GetShardIterator", body))["ShardIterator"])


def put_throughput(peer: Peer, table: str, args: argparse.Namespace
                   ) -> tuple[float, float, float]:
    """(PutItem/s, p50 ms, server CPU microseconds per request) of one phase."""
    before = cpu_seconds(peer.pid())
    result = measure(peer.address, put_workload(table, args.item_bytes), clients=args.clients,
                     processes=args.processes, warmup=args.warmup, duration=args.duration)
    spent = cpu_seconds(peer.pid()) - before
    if result.errors:
        print(f"# {peer.name} {table}: {result.errors} errors, first: {result.first_error}",
              file=sys.stderr)
    # The warm-up's requests are not counted: scale the CPU to the measured window.
    window = args.duration / (args.warmup + args.duration + 0.3)
    per_request = spent * window / result.requests * 1e6 if result.requests else 0.0
    return result.requests_per_second, result.p50_ms, per_request


def put_rounds(peer: Peer, args: argparse.Namespace, figures: Figures) -> None:
    """Plain and stream tables alternated in ABBA order, `args.rounds` pairs; medians."""
    create_table(peer.address, "bench-plain")
    create_table(peer.address, "bench-stream", stream=True)
    phases: dict[bool, list[tuple[float, float, float]]] = {False: [], True: []}
    for round_ in range(args.rounds):
        for stream in ((False, True) if round_ % 2 == 0 else (True, False)):
            table = "bench-stream" if stream else "bench-plain"
            rate, p50, cpu = put_throughput(peer, table, args)
            phases[stream].append((rate, p50, cpu))
            print(f"#   round {round_ + 1} {'stream' if stream else 'plain ':6} "
                  f"{rate:9,.0f}/s p50 {p50:.2f} ms server {cpu:6.1f} us/req",
                  file=sys.stderr, flush=True)

    def median(stream: bool, field: int) -> float:
        return statistics.median(phase[field] for phase in phases[stream])

    figures.puts_plain, figures.put_p50_ms = median(False, 0), median(False, 1)
    figures.puts_stream, figures.put_stream_p50_ms = median(True, 0), median(True, 1)
    figures.cpu_plain_us, figures.cpu_stream_us = median(False, 2), median(True, 2)


def fill(client: Client, table: str, count: int, item_bytes: int) -> None:
    filler = "x" * max(0, item_bytes - 40)
    for i in range(count):
        client.ddb("PutItem", b'{"TableName":"%s","Item":{"pk":{"S":"d%d"},"data":{"S":"%s"}}}'
                   % (table.encode(), i, filler.encode()))


def drain(client: Client, arn: str) -> tuple[int, float]:
    """Read every shard from TRIM_HORIZON to its end; (records, seconds)."""
    shards = shard_ids(client, arn)
    started = time.perf_counter()
    total = 0
    for shard in shards:
        current = iterator(client, arn, shard, "TRIM_HORIZON")
        while True:
            page = client.streams("GetRecords",
                                  b'{"ShardIterator":"%s","Limit":1000}' % current.encode())
            count = page.count(EVENT_ID)
            total += count
            found = NEXT_ITERATOR.search(page)
            if count == 0 or found is None:
                break
            current = found.group(1).decode()
    return total, time.perf_counter() - started


def tail_latency(peer: Peer, table: str, samples: int) -> tuple[float, float, int]:
    """PutItem returned → record seen by a LATEST reader polling on its own connection."""
    create_one_shard_table(peer, table)
    writer, reader = Client(peer.address), Client(peer.address)
    arn = stream_arn(writer, table)
    (shard,) = shard_ids(reader, arn)[-1:]
    current = iterator(reader, arn, shard, "LATEST")
    returned: dict[str, float] = {}
    seen: dict[str, float] = {}
    done = threading.Event()

    def read() -> None:
        nonlocal current
        while not done.is_set() or len(seen) < len(returned):
            page = reader.streams("GetRecords", b'{"ShardIterator":"%s"}' % current.encode())
            now = time.perf_counter()
            for key in TAIL_KEY.findall(page):
                seen.setdefault(key.decode(), now)
            found = NEXT_ITERATOR.search(page)
            if found is None:
                return
            current = found.group(1).decode()
            if done.is_set() and time.perf_counter() > deadline:
                return

    deadline = float("inf")
    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    for i in range(samples):
        key = f"t{i}"
        writer.ddb("PutItem", b'{"TableName":"%s","Item":{"pk":{"S":"%s"},"n":{"N":"%d"}}}'
                   % (table.encode(), key.encode(), i))
        returned[key] = time.perf_counter()
        time.sleep(0.002)
    deadline = time.perf_counter() + 5
    done.set()
    thread.join(10)
    writer.close()
    reader.close()
    gaps = sorted(max(0.0, seen[k] - returned[k]) * 1000 for k in returned if k in seen)
    if not gaps:
        return 0.0, 0.0, 0
    return gaps[len(gaps) // 2], gaps[min(len(gaps) - 1, int(len(gaps) * 0.99))], len(gaps)


def create_one_shard_table(peer: Peer, table: str) -> None:
    client = Client(peer.address)
    client.ddb("CreateTable", orjson.dumps({
        "TableName": table, "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        "Tags": [{"Key": "headwater:stream-shards", "Value": "1"}],
    }))
    client.close()


def bench_peer(peer: Peer, args: argparse.Namespace) -> Figures:
    figures = Figures(peer.name)
    put_rounds(peer, args, figures)
    try:
        client = Client(peer.address)
        create_table(peer.address, "bench-drain", stream=True)
        fill(client, "bench-drain", args.records, args.item_bytes)
        figures.drained, seconds = drain(client, stream_arn(client, "bench-drain"))
        figures.drain_per_second = figures.drained / seconds if seconds else 0.0
        client.close()
        figures.tail_p50_ms, figures.tail_p99_ms, figures.tail_samples = tail_latency(
            peer, "bench-tail", args.tail_samples)
    except Exception as error:  # a peer without a working Streams API still reports puts
        figures.notes = f"streams failed: {str(error)[:160]}"
    return figures


def report(rows: list[Figures]) -> None:
    print(f"{'peer':<10} {'put/s plain':>12} {'put/s stream':>13} {'stream cost':>12} "
          f"{'us/req plain':>13} {'us/req stream':>14} {'cpu cost':>9} "
          f"{'drained':>8} {'drain rec/s':>12} {'tail p50 ms':>12} {'tail p99 ms':>12}")
    for f in rows:
        cost = 1 - f.puts_stream / f.puts_plain if f.puts_plain else 0.0
        cpu_cost = f.cpu_stream_us / f.cpu_plain_us - 1 if f.cpu_plain_us else 0.0
        print(f"{f.peer:<10} {f.puts_plain:>12,.0f} {f.puts_stream:>13,.0f} {cost:>11.1%} "
              f"{f.cpu_plain_us:>13.1f} {f.cpu_stream_us:>14.1f} {cpu_cost:>8.1%} "
              f"{f.drained:>8} {f.drain_per_second:>12,.0f} {f.tail_p50_ms:>12.2f} "
              f"{f.tail_p99_ms:>12.2f}"
              f"{'  ' + f.notes if f.notes else ''}")
    for f in rows:
        if f.peer != "headwater":
            continue
        cost = 1 - f.puts_stream / f.puts_plain if f.puts_plain else 1.0
        cpu_cost = f.cpu_stream_us / f.cpu_plain_us - 1 if f.cpu_plain_us else 1.0
        print(f"goal stream cost < 15%: throughput {cost:.1%} "
              f"({'met' if cost < 0.15 else 'NOT met'}), server CPU per request {cpu_cost:.1%} "
              f"({'met' if cpu_cost < 0.15 else 'NOT met'})")
        print(f"goal drain >= 50,000 records/s: {f.drain_per_second:,.0f} "
              f"({f.drained} records), {'met' if f.drain_per_second >= 50000 else 'NOT met'}")
        print(f"tail latency over {f.tail_samples} records: p50 {f.tail_p50_ms:.2f} ms, "
              f"p99 {f.tail_p99_ms:.2f} ms")


def start(name: str) -> Peer | None:
    if name == "headwater":
        return start_headwater(name, temp_data_dir())
    try:
        import moto.server  # noqa: F401
    except ImportError:
        print("moto: not importable, skipped", file=sys.stderr)
        return None
    return start_moto()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peers", default=",".join(ALL_PEERS))
    parser.add_argument("--clients", type=int, default=8, help="PutItem connections")
    parser.add_argument("--processes", type=int, default=1, help="PutItem client processes")
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per PutItem phase")
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=4,
                        help="plain/stream PutItem pairs, alternated ABBA")
    parser.add_argument("--item-bytes", type=int, default=200)
    parser.add_argument("--records", type=int, default=30000, help="records to drain")
    parser.add_argument("--tail-samples", type=int, default=500)
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"# {os.cpu_count()} cores, load {load[0]:.2f}; {args.clients} put clients, "
          f"~{args.item_bytes} B items, {args.records} records drained, Headwater on disk "
          f"(WAL, durability normal)", flush=True)
    rows = []
    for name in [p.strip() for p in args.peers.split(",") if p.strip()]:
        peer = start(name)
        if peer is None:
            continue
        try:
            print(f"# {name} ...", file=sys.stderr, flush=True)
            rows.append(bench_peer(peer, args))
        finally:
            peer.stop()
    report(rows)


if __name__ == "__main__":
    main()
