"""PutItem and GetItem throughput and latency: Headwater against moto and dynalite.

    .venv/bin/python bench/dynamodb_items.py            # what `make bench` runs
    .venv/bin/python bench/dynamodb_items.py --peers headwater-disk,moto --duration 3
    .venv/bin/python bench/dynamodb_items.py --peers headwater-disk,dynalite --stream --ceiling \
        --rounds 3                                  # issue 19's goals, in one run

For each peer in turn: start it on 127.0.0.1, create a table keyed by `pk`, run PutItem of ~1 KB
items (unique keys) for a warm-up plus a timed window, then GetItem of random keys that the put
phase wrote, with the same connections. Clients are closed-loop: `--clients` keep-alive
connections spread over `--processes` worker processes (bench/loadgen.py). Prints requests/s,
p50/p99 latency, the CPU the server and the client used (so a client bottleneck would show), and
the Headwater/moto ratios. Only one peer runs at a time; all share this machine's cores. On a
busy machine use `--rounds 3`: peers alternate round by round and the table shows medians.
`srv us/req` is server CPU per request (the steadier figure when the machine is shared).
With `--ceiling`, each round first runs bench/sqlite_ceiling.py's loop in this process (one
transaction per write, with a stream record under `--stream`) for the same duration, and the
verdict compares PutItem on disk with it (goal: at least 50%).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlite_ceiling  # noqa: E402
from loadgen import Measurement, get_workload, measure, put_workload  # noqa: E402
from peers import (  # noqa: E402
    Peer,
    cpu_seconds,
    create_table,
    dynalite_script,
    start_dynalite,
    start_headwater,
    start_moto,
    temp_data_dir,
)

ALL_PEERS = ("headwater-disk", "headwater-mem", "moto", "dynalite")
# Also offered: headwater-disk-2p, on disk with one serving process (--serve-processes 1,
# docs/multicore.md); its server CPU is the owner's and the serving process's.
SERVING_PEER = "headwater-disk-2p"
HEADLINE = "headwater-disk"
TARGET_PUTS = 5000
TARGET_RATIO = 20
TARGET_DYNALITE = 2.0  # issue 19: at least 2x dynalite on PutItem and GetItem
TARGET_CEILING = 0.5  # issue 19: PutItem on disk at least 50% of the storage ceiling
CEILING = "sqlite-ceiling"


@dataclass
class Row:
    peer: str
    operation: str
    m: Measurement
    server_cpu: float  # server CPU seconds per wall second during the phase


def start(name: str, durability: str) -> Peer | None:
    if name == "headwater-disk":
        return start_headwater(name, temp_data_dir(), durability)
    if name == "headwater-mem":
        return start_headwater(name, None)
    if name == SERVING_PEER:
        peer = start_headwater(name, temp_data_dir(), durability, ["--serve-processes", "1"])
        wait_serving(peer)
        return peer
    if name == "moto":
        try:
            import moto.server  # noqa: F401
        except ImportError:
            print("moto: not installed (pip install 'moto[server]'), skipped", file=sys.stderr)
            return None
        return start_moto()
    if name == "dynalite":
        script = dynalite_script()
        if script is None:
            print("dynalite: node/npm or the dynalite package unavailable, skipped",
                  file=sys.stderr)
            return None
        return start_dynalite(script)
    raise SystemExit(f"unknown peer {name!r}; choose from {', '.join((*ALL_PEERS, SERVING_PEER))}")


def wait_serving(peer: Peer, timeout: float = 30.0) -> None:
    """Until every serving process listens (it reported to the owner)."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{peer.url()}/_headwater/health") as response:
            serving = orjson.loads(response.read()).get("serving_processes") or []
        if serving and all(process["ready"] for process in serving):
            return
        time.sleep(0.1)
    raise SystemExit(f"{peer.name}: serving processes not ready within {timeout} s")


def bench_peer(peer: Peer, args: argparse.Namespace) -> list[Row]:
    table = "bench-items"
    create_table(peer.address, table, stream=args.stream)
    rows = []
    common = dict(clients=args.clients, processes=args.processes, warmup=args.warmup,
                  duration=args.duration)
    cpu0, wall0 = cpu_seconds(peer.pid()), time.perf_counter()
    put = measure(peer.address, put_workload(table, args.item_bytes), **common)
    cpu1, wall1 = cpu_seconds(peer.pid()), time.perf_counter()
    rows.append(Row(peer.name, "PutItem", put, (cpu1 - cpu0) / (wall1 - wall0)))
    get = measure(peer.address, get_workload(table, [max(1, n) for n in put.keys_written]),
                  **common)
    cpu2, wall2 = cpu_seconds(peer.pid()), time.perf_counter()
    rows.append(Row(peer.name, "GetItem", get, (cpu2 - cpu1) / (wall2 - wall1)))
    return rows


def print_table(rows: list[Row]) -> None:
    header = (f"{'peer':<19}{'operation':<10}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}"
              f"{'requests':>10}{'errors':>8}{'reconn':>8}{'srv cpu':>9}{'cli cpu':>9}"
              f"{'srv us/req':>11}")
    print(header)
    print("-" * len(header))
    for row in rows:
        m = row.m
        print(f"{row.peer:<19}{row.operation:<10}{m.requests_per_second:>10,.0f}"
              f"{m.p50_ms:>9.2f}{m.p99_ms:>9.2f}{m.requests:>10,}{m.errors:>8,}"
              f"{m.reconnects:>8,}{row.server_cpu:>9.2f}{m.client_cpu:>9.2f}"
              f"{cpu_per_request(row):>11.1f}")
    for row in rows:
        if row.m.first_error:
            print(f"  first error from {row.peer} {row.operation}: {row.m.first_error}")


def cpu_per_request(row: Row) -> float:
    """Server CPU microseconds per request (0 when unknown, e.g. the in-process ceiling)."""
    rate = row.m.requests_per_second
    return row.server_cpu / rate * 1e6 if rate else 0.0


def print_ratios(rows: list[Row]) -> None:
    by = {(r.peer, r.operation): r.m.requests_per_second for r in rows}
    cpu = {(r.peer, r.operation): cpu_per_request(r) for r in rows}
    print()
    for operation in ("PutItem", "GetItem"):
        for ours in ("headwater-disk", "headwater-mem", SERVING_PEER):
            for peer in ("moto", "dynalite"):
                if by.get((ours, operation)) and by.get((peer, operation)):
                    ratio = by[(ours, operation)] / by[(peer, operation)]
                    by_cpu = (cpu[(peer, operation)] / cpu[(ours, operation)]
                              if cpu.get((ours, operation)) else 0.0)
                    verdict = ""
                    if peer == "dynalite" and ours == HEADLINE:
                        verdict = (f"  (goal >= {TARGET_DYNALITE:g}x: "
                                   f"{'met' if ratio >= TARGET_DYNALITE else 'NOT met'})")
                    print(f"{operation:<8} {ours}/{peer}: {ratio:6.1f}x by req/s, "
                          f"{by_cpu:.1f}x by server CPU per request{verdict}")
    ceiling = by.get((CEILING, "PutItem"))
    if ceiling and by.get((HEADLINE, "PutItem")):
        share = by[(HEADLINE, "PutItem")] / ceiling
        print(f"PutItem  {HEADLINE}/{CEILING}: {share:.0%} (goal >= {TARGET_CEILING:.0%}: "
              f"{'met' if share >= TARGET_CEILING else 'NOT met'})")
    puts = by.get((HEADLINE, "PutItem"))
    moto = by.get(("moto", "PutItem"))
    if puts is not None:
        verdict = "met" if puts >= TARGET_PUTS else "NOT met"
        print(f"\ntarget >= {TARGET_PUTS:,} PutItem/s on disk: {puts:,.0f}/s, {verdict}")
    if puts is not None and moto:
        verdict = "met" if puts / moto >= TARGET_RATIO else "NOT met"
        print(f"target >= {TARGET_RATIO}x moto on PutItem: {puts / moto:.1f}x, {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peers", default=",".join(ALL_PEERS),
                        help=f"comma-separated, from {', '.join((*ALL_PEERS, SERVING_PEER))}")
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections")
    parser.add_argument("--processes", type=int, default=2, help="client worker processes")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds measured per phase")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before measuring")
    parser.add_argument("--item-bytes", type=int, default=1024, help="approximate item size")
    parser.add_argument("--durability", choices=["normal", "full"], default="normal",
                        help="headwater-disk's --durability")
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat every peer this many times; report medians")
    parser.add_argument("--stream", action="store_true",
                        help="enable a NEW_AND_OLD_IMAGES stream on the table")
    parser.add_argument("--ceiling", action="store_true",
                        help="also run the SQLite ceiling loop each round "
                        "(bench/sqlite_ceiling.py)")
    args = parser.parse_args()

    load = os.getloadavg()
    print(f"# {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"{args.clients} clients over {args.processes} processes, {args.warmup:g} s warm-up + "
          f"{args.duration:g} s per phase, ~{args.item_bytes} B items"
          f"{', stream enabled' if args.stream else ''}", flush=True)
    rounds: list[list[Row]] = []
    for number in range(args.rounds):
        rows: list[Row] = [ceiling_row(args)] if args.ceiling else []
        for name in [p.strip() for p in args.peers.split(",") if p.strip()]:
            try:
                peer = start(name, args.durability)
            except (RuntimeError, OSError) as error:
                print(f"{name}: could not start ({error}), skipped", file=sys.stderr)
                continue
            if peer is None:
                continue
            try:
                print(f"# round {number + 1}: {name} on {peer.address[0]}:{peer.address[1]}",
                      file=sys.stderr, flush=True)
                rows.extend(bench_peer(peer, args))
            finally:
                peer.stop()
        rounds.append(rows)
        if args.rounds > 1:
            print(f"\n## round {number + 1} of {args.rounds}")
            print_table(rows)
    rows = median_rows(rounds) if args.rounds > 1 else rounds[0]
    print(f"\n## {'median of ' + str(args.rounds) + ' rounds' if args.rounds > 1 else 'result'}")
    print_table(rows)
    print_ratios(rows)


def ceiling_row(args: argparse.Namespace) -> Row:
    """bench/sqlite_ceiling.py's loop (WAL, synchronous=NORMAL, Headwater's schema), in process,
    as a PutItem row: the storage ceiling the server's PutItem is read against."""
    directory = tempfile.mkdtemp(prefix="headwater-ceiling-")
    conn = sqlite_ceiling.open_db(str(Path(directory) / "bench.sqlite3"), "NORMAL")
    try:
        count = sqlite_ceiling.run(conn, args.duration, args.item_bytes, args.stream)
    finally:
        conn.close()
        shutil.rmtree(directory, ignore_errors=True)
    m = Measurement(requests_per_second=count / args.duration, p50_ms=0.0, p99_ms=0.0,
                    requests=count, errors=0, reconnects=0, client_cpu=0.0, keys_written=[],
                    first_error="")
    return Row(CEILING, "PutItem", m, 0.0)


def median_rows(rounds: list[list[Row]]) -> list[Row]:
    """Per peer and operation, the median of each figure over the rounds (noisy shared cores)."""
    grouped: dict[tuple[str, str], list[Row]] = {}
    for rows in rounds:
        for row in rows:
            grouped.setdefault((row.peer, row.operation), []).append(row)
    result = []
    for (peer, operation), rows in grouped.items():
        ms = [r.m for r in rows]
        m = Measurement(
            requests_per_second=statistics.median(x.requests_per_second for x in ms),
            p50_ms=statistics.median(x.p50_ms for x in ms),
            p99_ms=statistics.median(x.p99_ms for x in ms),
            requests=sum(x.requests for x in ms), errors=sum(x.errors for x in ms),
            reconnects=sum(x.reconnects for x in ms),
            client_cpu=statistics.median(x.client_cpu for x in ms), keys_written=[],
            first_error=next((x.first_error for x in ms if x.first_error), ""),
        )
        result.append(Row(peer, operation, m, statistics.median(r.server_cpu for r in rows)))
    return result


if __name__ == "__main__":
    main()
