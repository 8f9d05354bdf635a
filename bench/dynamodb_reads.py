"""Query and Scan throughput, Headwater beside moto's server, and Query latency as the rest of
the table grows (issue 7, "Done when").

    .venv/bin/python bench/dynamodb_reads.py                  # Headwater in memory, and moto
    .venv/bin/python bench/dynamodb_reads.py --peers headwater --duration 2 --others 1000,100000

Phases, per server, one keep-alive connection each (closed loop, http.client, request bodies
built before the clock starts, a fixed fake SigV4 header that no server verifies):
  query   Query of 100 consecutive items of one 1,000-item partition by a sort-key BETWEEN
          range at a random offset: requests/s, items/s, p50/p99 latency.
  scan    full Scans of a 10,000-item table, page after page (1 MB pages): items/s, pages/s.
  scaling p50/p99 latency of the same 100-item Query while 1,000 and then 100,000 other items
          (in other partitions) share the table: the same latency is expected for both.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import Peer, start_headwater, start_moto  # noqa: E402

AUTHORIZATION = ("AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/dynamodb/aws4_request, "
                 "SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + "0" * 64)
PARTITION = 1000
PAGE_ITEMS = 100
SCAN_ITEMS = 10_000


class Client:
    """One keep-alive connection; `call` for set-up, `timed` for prebuilt bodies."""

    def __init__(self, server: Peer) -> None:
        self.server = server
        self.conn = http.client.HTTPConnection(*server.address, timeout=120)

    def raw(self, target: str, body: bytes) -> bytes:
        headers = {"Content-Type": "application/x-amz-json-1.0", "Authorization": AUTHORIZATION,
                   "X-Amz-Date": "20260101T000000Z", "X-Amz-Target": f"DynamoDB_20120810.{target}"}
        for attempt in (1, 2):
            try:
                self.conn.request("POST", "/", body, headers)
                response = self.conn.getresponse()
                data = response.read()
                if response.status != 200:
                    raise RuntimeError(f"{target}: {response.status} {data[:300]!r}")
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()  # moto closes every connection; reopen next time
                return data
            except (http.client.RemoteDisconnected, ConnectionError):
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def call(self, target: str, request: dict[str, object]) -> dict[str, object]:
        result: dict[str, object] = json.loads(self.raw(target, json.dumps(request).encode()))
        return result


def start_moto_if_installed() -> Peer | None:
    try:
        import moto.server  # noqa: F401
    except ImportError:
        print("moto: not importable (pip install 'moto[server]'), skipped", file=sys.stderr)
        return None
    return start_moto()


def create_table(client: Client, name: str) -> None:
    client.call("CreateTable", {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                      {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": "N"}]})


def load(client: Client, table: str, keys: list[tuple[str, int]]) -> None:
    payload = {"S": "x" * 64}
    for start in range(0, len(keys), 25):
        writes = [{"PutRequest": {"Item": {"pk": {"S": pk}, "sk": {"N": str(sk)}, "v": payload}}}
                  for pk, sk in keys[start:start + 25]]
        client.call("BatchWriteItem", {"RequestItems": {table: writes}})


def query_bodies(table: str, count: int = 256) -> list[bytes]:
    bodies = []
    for _ in range(count):
        low = random.randrange(PARTITION - PAGE_ITEMS + 1)
        bodies.append(json.dumps({
            "TableName": table, "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
            "ExpressionAttributeValues": {":p": {"S": "hot"}, ":a": {"N": str(low)},
                                          ":b": {"N": str(low + PAGE_ITEMS - 1)}}}).encode())
    return bodies


@dataclass
class Timing:
    requests: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def run(client: Client, step: Callable[[int], None], duration: float, warmup: float) -> Timing:
    end_warmup = time.perf_counter() + warmup
    i = 0
    while time.perf_counter() < end_warmup:
        step(i)
        i += 1
    latencies = []
    start = time.perf_counter()
    stop = start + duration
    while (now := time.perf_counter()) < stop:
        step(i)
        latencies.append(time.perf_counter() - now)
        i += 1
    return Timing(len(latencies), time.perf_counter() - start, latencies)


def bench_query(client: Client, table: str, duration: float, warmup: float) -> Timing:
    bodies = query_bodies(table)
    check = json.loads(client.raw("Query", bodies[0]))
    assert check["Count"] == PAGE_ITEMS, check.get("Count")
    return run(client, lambda i: client.raw("Query", bodies[i % len(bodies)]), duration, warmup)


def bench_scan(client: Client, table: str, duration: float, warmup: float) -> tuple[Timing, int]:
    first = json.dumps({"TableName": table}).encode()
    pages_per_scan = 0
    items = 0
    start_key: object = None
    while True:  # one untimed pass to learn the page keys, so timed bodies are prebuilt
        body = first if start_key is None else json.dumps(
            {"TableName": table, "ExclusiveStartKey": start_key}).encode()
        page = json.loads(client.raw("Scan", body))
        pages_per_scan += 1
        items += int(page["Count"])
        start_key = page.get("LastEvaluatedKey")
        if start_key is None:
            break
    assert items == SCAN_ITEMS, items
    bodies = [first]
    start_key = None
    for _ in range(pages_per_scan - 1):
        page = json.loads(client.raw("Scan", bodies[-1]))
        bodies.append(json.dumps({"TableName": table,
                                  "ExclusiveStartKey": page["LastEvaluatedKey"]}).encode())
    timing = run(client, lambda i: client.raw("Scan", bodies[i % len(bodies)]), duration, warmup)
    return timing, pages_per_scan


def bench_server(server: Peer, args: argparse.Namespace) -> dict[str, object]:
    client = Client(server)
    results: dict[str, object] = {}
    create_table(client, "bench-query")
    load(client, "bench-query", [("hot", i) for i in range(PARTITION)])
    results["query"] = bench_query(client, "bench-query", args.duration, args.warmup)
    create_table(client, "bench-scan")
    load(client, "bench-scan", [(f"p{i % 500}", i) for i in range(SCAN_ITEMS)])
    results["scan"] = bench_scan(client, "bench-scan", args.duration, args.warmup)
    if server.name in args.scaling:
        create_table(client, "bench-scaling")
        load(client, "bench-scaling", [("hot", i) for i in range(PARTITION)])
        loaded = 0
        for others in args.others:
            load(client, "bench-scaling", [(f"other-{i}", i) for i in range(loaded, others)])
            loaded = others
            results[f"others={others}"] = bench_query(client, "bench-scaling", args.duration,
                                                      args.warmup)
    client.conn.close()
    return results


def report(name: str, results: dict[str, object]) -> None:
    query = results["query"]
    assert isinstance(query, Timing)
    print(f"{name:10} Query 100 items  {query.rate:9.0f} req/s  {query.rate * PAGE_ITEMS:10.0f} "
          f"items/s  p50 {query.percentile(0.5):6.2f} ms  p99 {query.percentile(0.99):6.2f} ms")
    scan, pages = results["scan"]  # type: ignore[misc]
    print(f"{name:10} Scan 10k items   {scan.rate:9.0f} pages/s "
          f"{scan.rate * SCAN_ITEMS / pages:10.0f} items/s  p50 {scan.percentile(0.5):6.2f} ms  "
          f"({pages} pages per scan)")
    for key, value in results.items():
        if key.startswith("others="):
            assert isinstance(value, Timing)
            print(f"{name:10} Query 100 items, {int(key[7:]):>7,} other items in the table: "
                  f"p50 {value.percentile(0.5):6.2f} ms  p99 {value.percentile(0.99):6.2f} ms  "
                  f"({value.rate:.0f} req/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peers", default="headwater,moto")
    parser.add_argument("--duration", type=float, default=3.0, help="timed seconds per phase")
    parser.add_argument("--warmup", type=float, default=0.5)
    parser.add_argument("--others", default="1000,100000",
                        help="other-item counts for the scaling phase")
    parser.add_argument("--scaling", default="headwater",
                        help="servers that run the scaling phase (moto loads 100k items slowly)")
    args = parser.parse_args()
    args.others = [int(n) for n in args.others.split(",")]
    args.scaling = set(args.scaling.split(","))
    random.seed(7)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, one keep-alive client, "
          f"{args.duration:g} s per phase")
    for name in args.peers.split(","):
        server = (start_headwater(name, None, extra=["--log-level", "warning"])
                  if name == "headwater" else start_moto_if_installed() if name == "moto"
                  else None)
        if server is None:
            continue
        try:
            report(name, bench_server(server, args))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
