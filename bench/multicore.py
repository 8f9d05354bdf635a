"""The pieces of a multi-process Headwater, measured (docs/multicore.md): do reads and writes
on one SQLite database scale with processes, and what would keeping processes coherent cost?

    .venv/bin/python bench/multicore.py                      # ~1 minute
    .venv/bin/python bench/multicore.py --seconds 5 --processes 1 2 4

1. GetItem, in process (the operation called directly, no HTTP), by 1, 2, ... processes at
   once on one WAL database of 10,000 ~1 KB items: total GetItem/s and CPU per GetItem. WAL
   readers never wait for each other or for the writer, so this is the part of the work extra
   request-serving processes would spread over cores.
2. PutItem, in process, by 1, 2, ... processes at once on one database, each write its own
   transaction (BEGIN IMMEDIATE ... COMMIT: what a process would do without the group commit it
   can only share with itself), busy_timeout 5 s: total PutItem/s, CPU per PutItem, and how
   long a write waited for the lock. SQLite has one writer at a time, whatever the process.
3. Coherence costs per request, in process: `PRAGMA data_version` (has another process
   committed since?), reading a version row from `meta` (has the catalog changed?), and
   `max(seq)` of the stream records (a sequence number taken inside the write transaction
   instead of from a counter in memory).

Every figure is CPU time as well as throughput: on a machine shared with other work the
throughput of N processes is bounded by the cores they get, not by SQLite.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from growth import ACCOUNT, REGION, TABLE, build  # noqa: E402


def _runtime(data_dir: Path) -> Any:
    from headwater.runtime import Runtime
    from headwater.settings import Settings

    runtime = Runtime(Settings(data_dir=data_dir))
    runtime.storage.conn.execute("PRAGMA busy_timeout=5000")
    return runtime


def _reader(data_dir: Path, items: int, seconds: float, start_at: float, out: Any) -> None:
    from headwater.core.context import RequestContext
    from headwater.dynamodb.service import OPERATIONS

    runtime = _runtime(data_dir)
    get_item = OPERATIONS["GetItem"]
    rng = random.Random(os.getpid())
    half = items // 2
    while time.time() < start_at:
        time.sleep(0.001)
    done, cpu0, deadline = 0, time.process_time(), time.time() + seconds
    while time.time() < deadline:
        for _ in range(200):
            key = f"p{rng.randrange(2)}-{rng.randrange(half)}"
            get_item(RequestContext(ACCOUNT, REGION, "bench", runtime),
                     {"TableName": TABLE, "Key": {"pk": {"S": key}}})
        done += 200
    out.put((done, time.process_time() - cpu0, 0.0))
    runtime.close()


def _writer(data_dir: Path, seconds: float, start_at: float, out: Any) -> None:
    from headwater.core.context import RequestContext
    from headwater.dynamodb.service import OPERATIONS

    runtime = _runtime(data_dir)
    put_item = OPERATIONS["PutItem"]
    filler = {"S": "x" * 940}
    prefix = f"w{os.getpid()}"
    while time.time() < start_at:
        time.sleep(0.001)
    done, waited, cpu0, deadline = 0, 0.0, time.process_time(), time.time() + seconds
    while time.time() < deadline:
        began = time.perf_counter()
        put_item(RequestContext(ACCOUNT, REGION, "bench", runtime), {
            "TableName": TABLE, "Item": {"pk": {"S": f"{prefix}-{done}"}, "data": filler}})
        waited += time.perf_counter() - began
        done += 1
    cpu = time.process_time() - cpu0
    # Wall time per write beyond its CPU time: waiting for the lock (and for a core).
    out.put((done, cpu, max(0.0, waited - cpu)))
    runtime.close()


def together(target: Any, count: int, args: tuple[Any, ...], seconds: float
             ) -> tuple[float, float, float]:
    """Run `count` processes of `target` at once: (ops/s in total, CPU us per op, wait us per
    op)."""
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    start_at = time.time() + 1.0
    procs = [ctx.Process(target=target, args=(*args, seconds, start_at, out))
             for _ in range(count)]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=seconds + 60) for _ in procs]
    for proc in procs:
        proc.join(10)
    ops = sum(r[0] for r in results)
    return (ops / seconds, sum(r[1] for r in results) / ops * 1e6,
            sum(r[2] for r in results) / ops * 1e6)


def coherence_costs(data_dir: Path, count: int = 200_000) -> None:
    conn = sqlite3.connect(str(data_dir / "headwater.sqlite3"), isolation_level=None)
    checks = {
        "PRAGMA data_version": "PRAGMA data_version",
        "a version row in meta": "SELECT value FROM meta WHERE key = 'iterator_secret'",
        "max(seq) of stream records": "SELECT max(seq) FROM stream_records",
    }
    for label, sql in checks.items():
        statement = conn.execute  # the sqlite3 module caches the prepared statement
        started = time.process_time()
        for _ in range(count):
            statement(sql).fetchone()
        micros = (time.process_time() - started) / count * 1e6
        print(f"  {label:30} {micros:5.2f} us CPU per request")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}", flush=True)
    base = Path(tempfile.mkdtemp(prefix="hw-multicore-"))
    try:
        data_dir = base / "data"
        build(data_dir, args.items, 1000)
        print(f"GetItem in process, {args.items:,} items, {args.seconds:.0f} s:")
        for count in args.processes:
            rate, cpu, _ = together(_reader, count, (data_dir, args.items), args.seconds)
            print(f"  {count} process(es): {rate:9,.0f} GetItem/s  {cpu:6.1f} us CPU/GetItem",
                  flush=True)
        print(f"PutItem in process, one transaction each, {args.seconds:.0f} s:")
        for count in args.processes:
            rate, cpu, wait = together(_writer, count, (data_dir,), args.seconds)
            print(f"  {count} process(es): {rate:9,.0f} PutItem/s  {cpu:6.1f} us CPU/PutItem  "
                  f"{wait:7.1f} us waiting/PutItem", flush=True)
        print("coherence checks a request-serving process would add:")
        coherence_costs(data_dir)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
