"""Global tables: replication lag under a steady write rate, and write throughput with
replicas against a plain table (issue 14 goals: lag p50 < 10 ms at 1,000 writes/s between two
regions; PutItem with one replica at least 70% of a plain table's).

    .venv/bin/python bench/global_tables.py
    .venv/bin/python bench/global_tables.py --duration 5 --rate 1000 --disk
    .venv/bin/python bench/global_tables.py --base /tmp/main-tree --rounds 3

`--base DIR` alternates, round by round, with another tree (`git archive main src | tar -x -C
DIR`), run with its `src` first on PYTHONPATH and this venv, and prints both trees' median
server CPU per write: the before/after figure on a machine whose load moves.

Throughput: one Headwater server, four tables written in turn by closed-loop PutItem clients
(bench/loadgen.py) in us-east-1: a plain table, one with a stream (a replica's writes always
append stream records), a global table with one replica (us-west-2) and one with two
(us-west-2, eu-west-1). Replication runs in the same process and on the same cores, so its
whole cost (a second write per replica) shows.
Lag: an open-loop writer sends PutItem at a fixed rate to a two-region global table; the server
measures, for each replicated write, the time from the write to its application in the other
region (what `GET /_headwater/replication` reports as latencyMs, over its last 8,192 writes).
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import AUTHORIZATION, Result, measure, put_workload  # noqa: E402
from peers import (  # noqa: E402
    Peer,
    call,
    cpu_seconds,
    create_table,
    headwater_peer,
    temp_data_dir,
)

HERE = Path(__file__).resolve().parent.parent
LAG_GOAL_MS = 10.0
THROUGHPUT_GOAL = 0.70
# (label, stream on, replica regions): the tables each round writes in turn.
LAYOUTS = [("plain table", False, []), ("plain + stream", True, []),
           ("1 replica", False, ["us-west-2"]), ("2 replicas", False, ["us-west-2", "eu-west-1"])]


class Round(NamedTuple):
    rows: list[Row]
    apply_us: float


class Row(NamedTuple):
    label: str
    measured: Result
    cpu_us: float  # server CPU per write, replication included


def add_replicas(address: tuple[str, int], table: str, regions: list[str]) -> None:
    for region in regions:
        call(address, "UpdateTable", {"TableName": table,
                                      "ReplicaUpdates": [{"Create": {"RegionName": region}}]})


def status(address: tuple[str, int]) -> dict[str, object]:
    with urllib.request.urlopen(f"http://{address[0]}:{address[1]}/_headwater/replication") as r:
        return dict(orjson.loads(r.read()))


def wait_drained(address: tuple[str, int], table: str, timeout: float = 120,
                 interval: float = 0.05) -> None:
    """Poll the status until the table's pairs have no backlog (each poll counts the backlog:
    a long one is polled less often)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pairs = [p for p in status(address)["pairs"] if p["table"] == table]  # type: ignore
        if pairs and all(p["backlog"] == 0 for p in pairs):
            return
        time.sleep(interval)
    raise RuntimeError(f"replication of {table} did not drain")


def control(address: tuple[str, int], body: dict[str, object]) -> None:
    request = urllib.request.Request(
        f"http://{address[0]}:{address[1]}/_headwater/replication", data=orjson.dumps(body),
        method="POST")
    with urllib.request.urlopen(request) as response:
        response.read()


def apply_cost(peer: Peer, args: argparse.Namespace) -> float:
    """Server CPU per replicated write applied, alone: writes land while replication is
    paused, then the backlog drains (in batches of up to 256) and its CPU is divided by the
    records applied."""
    address = peer.address
    table = "bench-apply"
    create_table(address, table)
    add_replicas(address, table, ["us-west-2"])
    control(address, {"paused": True})
    measure(address, put_workload(table, 1024), clients=args.clients, processes=args.processes,
            warmup=0, duration=args.duration)
    pairs = status(address)["pairs"]
    backlog = next(p["backlog"] for p in pairs  # type: ignore[attr-defined]
                   if p["table"] == table and p["source"] == "us-east-1")
    before = cpu_seconds(peer.pid())
    control(address, {"paused": False})
    wait_drained(address, table, interval=0.5)
    return (cpu_seconds(peer.pid()) - before) / backlog * 1e6


def paced_writer(address: tuple[str, int], table: str, rate: float, duration: float,
                 threads: int) -> int:
    """PutItem at `rate` per second for `duration` seconds over `threads` connections."""
    sent = [0] * threads
    start = time.perf_counter() + 0.2

    def run(index: int) -> None:
        conn = http.client.HTTPConnection(*address, timeout=30)
        headers = {"X-Amz-Target": "DynamoDB_20120810.PutItem",
                   "Content-Type": "application/x-amz-json-1.0",
                   "Authorization": AUTHORIZATION, "X-Amz-Date": "20260101T000000Z"}
        interval = threads / rate
        n = 0
        while True:
            due = start + index / rate + n * interval
            if due > start + duration:
                break
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            body = orjson.dumps({"TableName": table, "Item": {
                "pk": {"S": f"w{index}-{n}"}, "data": {"S": "x" * 200}}})
            conn.request("POST", "/", body, headers)
            response = conn.getresponse()
            response.read()
            n += 1
        sent[index] = n
        conn.close()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(sent)


def start(source: Path, disk: bool) -> Peer:
    """`headwater serve` of the tree at `source` (its `src` first on PYTHONPATH, this venv)."""
    env = {**os.environ, "PYTHONPATH": str(source / "src")}
    storage = ["--data-dir", str(temp_data_dir())] if disk else ["--in-memory"]
    process = subprocess.Popen([sys.executable, "-m", "headwater", "serve", "--port", "0",
                                *storage], stdout=subprocess.PIPE, env=env)
    return headwater_peer(source.name, process, [Path(storage[1])] if disk else [])


def throughput(peer: Peer, args: argparse.Namespace) -> list[Row]:
    """Server CPU per write and requests/s of the four tables, written in turn."""
    address = peer.address
    rows = []
    for label, stream, replicas in LAYOUTS:
        table = f"bench-{len(replicas)}-{stream}"
        create_table(address, table, stream=stream)
        add_replicas(address, table, replicas)
        cpu_before = cpu_seconds(peer.pid())
        m = measure(address, put_workload(table, 1024), clients=args.clients,
                    processes=args.processes, warmup=args.warmup, duration=args.duration)
        if replicas:
            wait_drained(address, table)
        # Server CPU per write, replication included (drained): robust to a busy machine.
        writes = m.requests * (args.warmup + args.duration) / args.duration
        rows.append(Row(label, m, (cpu_seconds(peer.pid()) - cpu_before) / writes * 1e6))
    return rows


def print_throughput(name: str, rows: list[Row], args: argparse.Namespace) -> None:
    plain, plain_cpu = rows[0].measured.requests_per_second, rows[0].cpu_us
    print(f"{name}: PutItem ({args.clients} clients, ~1 KB items, "
          f"{'disk' if args.disk else 'in memory'}):", flush=True)
    for row in rows:
        m = row.measured
        print(f"  {row.label:<14} {m.requests_per_second:8.0f}/s  p50 {m.p50_ms:6.2f} ms  "
              f"p99 {m.p99_ms:6.2f} ms  {m.requests_per_second / plain:5.0%} of plain"
              f"  server CPU {row.cpu_us:5.0f} us/write ({plain_cpu / row.cpu_us:4.0%} of "
              f"plain's capacity)  errors {m.errors}", flush=True)


def lag(peer: Peer, args: argparse.Namespace) -> None:
    address = peer.address
    table = "bench-lag"
    create_table(address, table)
    add_replicas(address, table, ["us-west-2"])
    sent = paced_writer(address, table, args.rate, args.duration, threads=4)
    wait_drained(address, table)
    pair = next(p for p in status(address)["pairs"]  # type: ignore[attr-defined]
                if p["table"] == table and p["source"] == "us-east-1")
    p50, p99 = pair["latencyMs"]["p50"], pair["latencyMs"]["p99"]
    print(f"Replication lag us-east-1 -> us-west-2 at {sent / args.duration:.0f} writes/s "
          f"(last {min(sent, 8192)} writes): p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    print(f"  goal: p50 < {LAG_GOAL_MS:.0f} ms: {'met' if p50 < LAG_GOAL_MS else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--rate", type=float, default=1000.0, help="writes/s for the lag run")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--base", type=Path, help="another tree to alternate with, round by "
                        "round (e.g. `git archive main src | tar -x -C DIR`)")
    parser.add_argument("--disk", action="store_true", help="a WAL database, not --in-memory")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    trees = [("this tree", HERE)] + ([("base", args.base)] if args.base else [])
    results: dict[str, list[Round]] = {name: [] for name, _ in trees}
    for _ in range(args.rounds):
        for name, source in trees:
            peer = start(source, args.disk)
            try:
                rows = throughput(peer, args)
                applied = apply_cost(peer, args)
            finally:
                peer.stop()
            print_throughput(name, rows, args)
            print(f"  apply alone (paused backlog drained): {applied:5.0f} us of server CPU "
                  f"per replicated write", flush=True)
            results[name].append(Round(rows, applied))
    print(f"median server CPU per write over {args.rounds} round(s):")
    for name, _ in trees:
        rounds = results[name]
        medians = [statistics.median(r.rows[i].cpu_us for r in rounds)
                   for i in range(len(LAYOUTS))]
        shares = "  ".join(f"{label} {us:.0f} us ({medians[0] / us:.0%})"
                           for (label, _, _), us in zip(LAYOUTS, medians, strict=True))
        met = medians[0] / medians[2] >= THROUGHPUT_GOAL
        applied = statistics.median(r.apply_us for r in rounds)
        print(f"  {name:<9}  {shares}  apply alone {applied:.0f} us  goal one replica >= "
              f"{THROUGHPUT_GOAL:.0%} of plain: {'met' if met else 'NOT met'}", flush=True)
    peer = start(HERE, args.disk)
    try:
        lag(peer, args)
    finally:
        peer.stop()


if __name__ == "__main__":
    main()
