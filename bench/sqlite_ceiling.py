"""The storage ceiling: how many one-transaction writes per second a plain Python loop gets from
SQLite with Headwater's own schema, so the server's PutItem rate can be read against it.

    .venv/bin/python bench/sqlite_ceiling.py [--duration 3]

Each write is what PutItem's storage step does, with no HTTP, validation or expressions:
BEGIN IMMEDIATE; read the old item (SELECT + orjson.loads); store the new ~1 KB item
(orjson.dumps + INSERT OR REPLACE into ddb_items); optionally append a stream record
(INSERT into stream_records); COMMIT. The schema is `headwater.core.schema.MIGRATIONS`, applied
as Headwater applies it, and the pragmas are Headwater's (core/storage.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

import orjson

from headwater.core.schema import MIGRATIONS


def open_db(path: str, synchronous: str, autocheckpoint: bool = True) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    if path != ":memory:":
        conn.execute("PRAGMA journal_mode=WAL")
    if not autocheckpoint:
        conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA cache_size=-65536")
    conn.execute("PRAGMA temp_store=MEMORY")
    for number, script in enumerate(MIGRATIONS, start=1):
        conn.executescript(f"BEGIN; {script}; PRAGMA user_version={number}; COMMIT;")
    conn.execute("INSERT INTO ddb_tables (id, account, region, name, description) "
                 "VALUES (1, '000000000000', 'us-east-1', 'bench', x'7b7d')")
    conn.execute("INSERT INTO streams (id, account, region, table_name, arn, label, view_type, "
                 "key_schema, shard_count, created) VALUES (1, '000000000000', 'us-east-1', "
                 "'bench', 'arn', 'label', 'NEW_AND_OLD_IMAGES', x'5b5d', 1, 0)")
    conn.execute("INSERT INTO stream_shards (id, stream_id, shard_id, lane, start_seq, created) "
                 "VALUES (1, 1, 'shardId-1', 0, 0, 0)")
    return conn


def item(key: str, item_bytes: int) -> dict[str, object]:
    return {"pk": {"S": key}, "data": {"S": "x" * max(0, item_bytes - 60)},
            "n": {"N": "12345.678"}, "ok": {"BOOL": True}, "tags": {"SS": ["a", "b", "c"]}}


def run(conn: sqlite3.Connection, duration: float, item_bytes: int, stream: bool) -> int:
    """Write unique keys for `duration` seconds; return the number of committed writes."""
    n = 0
    seq = 0
    deadline = time.perf_counter() + duration
    while time.perf_counter() < deadline:
        key = f"k{n}"
        hk = key.encode()
        conn.execute("BEGIN IMMEDIATE")
        row = conn.execute("SELECT item FROM ddb_items WHERE table_id = ? AND hk = ? AND rk = ?",
                           (1, hk, b"")).fetchone()
        old = None if row is None else orjson.loads(row[0])
        new = item(key, item_bytes)
        conn.execute("INSERT OR REPLACE INTO ddb_items (table_id, hk, rk, item, size) "
                     "VALUES (?, ?, ?, ?, ?)", (1, hk, b"", orjson.dumps(new), item_bytes))
        if stream:
            seq += 1
            record = {"eventName": "MODIFY" if old else "INSERT", "NewImage": new, "OldImage": old}
            conn.execute("INSERT INTO stream_records (shard, seq, created, record) "
                         "VALUES (?, ?, ?, ?)", (1, seq, time.time(), orjson.dumps(record)))
        conn.execute("COMMIT")
        n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per variant")
    parser.add_argument("--item-bytes", type=int, default=1024)
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"# SQLite {sqlite3.sqlite_version}, {os.cpu_count()} cores, load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {args.duration:g} s per variant, "
          f"~{args.item_bytes} B items, one transaction per write")
    print(f"{'storage':<26}{'stream record':<15}{'writes/s':>10}{'us/write':>10}")
    # The no-checkpoint variant shows what SQLite's automatic WAL checkpoints (every 1000
    # pages, run by the committing connection) cost the write path.
    variants = [("WAL, synchronous=NORMAL", "NORMAL", False, True),
                ("WAL, synchronous=NORMAL", "NORMAL", True, True),
                ("WAL, NORMAL, no ckpt", "NORMAL", False, False),
                ("WAL, synchronous=FULL", "FULL", False, True),
                ("in memory", "NORMAL", False, True)]
    for label, synchronous, stream, autocheckpoint in variants:
        directory = tempfile.mkdtemp(prefix="headwater-ceiling-")
        path = ":memory:" if label == "in memory" else str(Path(directory) / "bench.sqlite3")
        conn = open_db(path, synchronous, autocheckpoint)
        try:
            count = run(conn, args.duration, args.item_bytes, stream)
        finally:
            conn.close()
            shutil.rmtree(directory, ignore_errors=True)
        rate = count / args.duration
        print(f"{label:<26}"
              f"{'yes' if stream else 'no':<15}{rate:>10,.0f}{1e6 / rate:>10.1f}")


if __name__ == "__main__":
    main()
