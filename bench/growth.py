"""GetItem as the table grows: 10k items against 1M, read syscalls and server CPU per GetItem.

    .venv/bin/python bench/growth.py                          # 10k and 1M items, ~4 minutes
    .venv/bin/python bench/growth.py --http                   # through a server
    .venv/bin/python bench/growth.py --sizes 10000 200000 --duration 4
    .venv/bin/python bench/growth.py --keep bench/.cache/growth   # reuse the built databases

Each size gets a data directory built in process (no HTTP: the Runtime's BatchWriteItem in
transactions of 20,000 items, ~1 KB items keyed p0-N / p1-N as bench/loadgen.py's GetItem
workload asks for). Then, for each storage configuration (CONFIGS, `serve` flags), random
GetItems are measured: by default in process (a Runtime on the directory, the GetItem
operation called `--gets` times after as many to warm up: process CPU per GetItem, steady on a
loaded machine); with `--http` a server is started on the directory and driven by 8 clients
over 2 processes for a warm-up and `--duration` seconds (server CPU per GetItem from
/proc/PID/stat). Read syscalls per GetItem come from syscr in /proc/PID/io: SQLite's preads of
the database and WAL (over HTTP, one more is the request's socket read); the OS page cache
holds the file, so these are syscalls, not device reads. Sizes and configurations alternate
inside one run, `--rounds` times.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import get_workload, measure  # noqa: E402
from peers import headwater_peer  # noqa: E402

TABLE = "growth"
ACCOUNT, REGION = "000000000000", "us-east-1"
TICKS = os.sysconf("SC_CLK_TCK")
CONFIGS = {
    "before (64 MB cache, no mmap)": ["--cache-size", "64", "--mmap-size", "0"],
    "defaults (cache 1/8 RAM, mmap)": [],
}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def read_calls(pid: int) -> int:
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("syscr:"):
            return int(line.split()[1])
    return 0


def minor_faults() -> int:
    return int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[7])


def build(data_dir: Path, items: int, item_bytes: int) -> None:
    """`items` items (half p0-N, half p1-N) in a fresh data directory, without HTTP."""
    from headwater.core.context import RequestContext
    from headwater.dynamodb.service import OPERATIONS
    from headwater.runtime import Runtime
    from headwater.settings import Settings

    runtime = Runtime(Settings(data_dir=data_dir))
    try:
        ctx = RequestContext(ACCOUNT, REGION, "bench", runtime)
        OPERATIONS["CreateTable"](ctx, {
            "TableName": TABLE, "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]})
        batch_write = OPERATIONS["BatchWriteItem"]
        filler = {"S": "x" * max(0, item_bytes - 60)}
        half = items // 2
        keys = [f"p{proc}-{n}" for n in range(half) for proc in (0, 1)]
        started = time.monotonic()
        for chunk in range(0, len(keys), 20000):
            with runtime.storage.transaction():
                for start in range(chunk, min(chunk + 20000, len(keys)), 25):
                    writes: list[dict[str, Any]] = [{"PutRequest": {"Item": {
                        "pk": {"S": key}, "data": filler, "n": {"N": "12345.678"},
                        "ok": {"BOOL": True}, "tags": {"SS": ["a", "b", "c"]}}}}
                        for key in keys[start:start + 25]]
                    batch_write(RequestContext(ACCOUNT, REGION, "bench", runtime),
                                {"RequestItems": {TABLE: writes}})
        runtime.storage.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size_mb = (data_dir / "headwater.sqlite3").stat().st_size / 1e6
        print(f"  built {len(keys):,} items in {time.monotonic() - started:.0f} s "
              f"({size_mb:,.0f} MB)", flush=True)
    finally:
        runtime.close()


def start_server(data_dir: Path, flags: list[str]) -> Any:
    import subprocess

    script = Path(sys.executable).with_name("headwater")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "headwater"]
    process = subprocess.Popen([*command, "serve", "--port", "0", "--data-dir", str(data_dir),
                                *flags], stdout=subprocess.PIPE)
    return headwater_peer("headwater", process, [])


def one(data_dir: Path, items: int, flags: list[str], args: argparse.Namespace
        ) -> tuple[float, float, float, float]:
    """(GetItem/s, server CPU us per GetItem, read syscalls per GetItem, 0: faults unread)."""
    server = start_server(data_dir, flags)
    try:
        workload = get_workload(TABLE, [items // 2, items // 2])
        measure(server.address, workload, clients=args.clients, processes=2, warmup=0.2,
                duration=args.warmup)
        cpu0, reads0 = cpu_seconds(server.pid()), read_calls(server.pid())
        result = measure(server.address, workload, clients=args.clients, processes=2,
                         warmup=0.0, duration=args.duration)
        cpu1, reads1 = cpu_seconds(server.pid()), read_calls(server.pid())
        if result.errors:
            raise SystemExit(f"GetItem errors: {result.first_error}")
        requests = max(result.requests, 1)
        return (result.requests_per_second, (cpu1 - cpu0) / requests * 1e6,
                (reads1 - reads0) / requests, 0.0)
    finally:
        server.stop()


def in_process(data_dir: Path, items: int, flags: list[str], count: int
               ) -> tuple[float, float, float, float]:
    """GetItem called directly (no HTTP) on a Runtime over the directory: (GetItem/s of CPU,
    process CPU us per GetItem, read syscalls and minor page faults per GetItem), after a
    warm-up of `count`."""
    import random

    from headwater.core.context import RequestContext
    from headwater.dynamodb.service import OPERATIONS
    from headwater.runtime import Runtime
    from headwater.settings import Settings

    options = dict(zip(flags[::2], flags[1::2], strict=True))
    cache = options.get("--cache-size")
    mmap = options.get("--mmap-size")
    runtime = Runtime(Settings(data_dir=data_dir, cache_mb=None if cache is None else int(cache),
                               mmap_mb=None if mmap is None else int(mmap)))
    try:
        get_item = OPERATIONS["GetItem"]
        rng = random.Random(7)
        half = items // 2

        def run(n: int) -> None:
            for _ in range(n):
                key = f"p{rng.randrange(2)}-{rng.randrange(half)}"
                get_item(RequestContext(ACCOUNT, REGION, "bench", runtime),
                         {"TableName": TABLE, "Key": {"pk": {"S": key}}})

        run(count)
        pid = os.getpid()
        cpu0, reads0, faults0 = time.process_time(), read_calls(pid), minor_faults()
        run(count)
        cpu = time.process_time() - cpu0
        reads = read_calls(pid) - reads0
        faults = minor_faults() - faults0
        return count / cpu, cpu / count * 1e6, reads / count, faults / count
    finally:
        runtime.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--item-bytes", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--http", action="store_true",
                        help="drive a server over HTTP instead of calling GetItem in process")
    parser.add_argument("--gets", type=int, default=50000,
                        help="in process: GetItems per measurement (after as many to warm up)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="build the databases here and reuse them on later runs")
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}", flush=True)
    base = args.keep or Path(tempfile.mkdtemp(prefix="hw-growth-"))
    dirs = {}
    try:
        for items in args.sizes:
            data_dir = base / f"items-{items}"
            if not (data_dir / "headwater.sqlite3").exists():
                print(f"building {items:,} items", flush=True)
                build(data_dir, items, args.item_bytes)
            dirs[items] = data_dir
        figures: dict[tuple[str, int], list[tuple[float, float, float, float]]] = {}
        for _ in range(args.rounds):
            for label, flags in CONFIGS.items():
                for items in args.sizes:
                    figures.setdefault((label, items), []).append(
                        one(dirs[items], items, flags, args) if args.http
                        else in_process(dirs[items], items, flags, args.gets))
        how = (f"{args.clients} clients over HTTP, {args.duration:.0f} s windows" if args.http
               else f"in process, {args.gets:,} after as many to warm up")
        print(f"GetItem, random keys, {how}, median of {args.rounds}:")
        for label in CONFIGS:
            cpu_by_size = {}
            for items in args.sizes:
                rows = figures[(label, items)]
                rate = statistics.median(r[0] for r in rows)
                cpu = statistics.median(r[1] for r in rows)
                reads = statistics.median(r[2] for r in rows)
                faults = statistics.median(r[3] for r in rows)
                cpu_by_size[items] = cpu
                print(f"  {label:32} {items:>9,} items: {rate:8,.0f}/s  "
                      f"{cpu:6.1f} us CPU/GetItem  {reads:5.2f} reads/GetItem"
                      + ("" if args.http else f"  {faults:5.2f} page faults/GetItem"))
            small, large = cpu_by_size[min(args.sizes)], cpu_by_size[max(args.sizes)]
            print(f"  {label:32} CPU per GetItem at {max(args.sizes):,} vs "
                  f"{min(args.sizes):,}: {100 * (large / small - 1):+.1f}%")
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
