"""SQL for Query and Scan: range reads over the key index of `ddb_items`.

Every read walks `(table_id, hk, rk)` in index order and stops as soon as the caller stops
iterating, so a Query costs what its key range holds, never what the table holds. Sort-key
conditions become range predicates on the encoded `rk` (dynamodb/keys.py makes memcmp order
DynamoDB order); begins_with becomes `rk >= prefix AND rk < prefix_upper_bound(prefix)`.

Parallel Scan segments partition the hash keys by a stable hash (`segment_of`), so each
partition key, with all its items, belongs to exactly one segment for a given TotalSegments.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Generator
from dataclasses import dataclass

from headwater.dynamodb.keys import prefix_upper_bound

Row = tuple[bytes, bytes, bytes, int]  # hk, rk, item JSON, size
FETCH = 64


@dataclass(frozen=True, slots=True)
class SortRange:
    """Bounds on the encoded sort key; None means unbounded on that side."""

    low: bytes | None = None
    low_inclusive: bool = True
    high: bytes | None = None
    high_inclusive: bool = True

    def contains(self, rk: bytes) -> bool:
        if self.low is not None and (rk < self.low or (rk == self.low and not self.low_inclusive)):
            return False
        return self.high is None or rk < self.high or (rk == self.high and self.high_inclusive)


def sort_range(op: str | None, operands: list[bytes]) -> SortRange:
    """The SortRange of a key condition operator (EQ LT LE GT GE BETWEEN BEGINS_WITH)."""
    if op is None:
        return SortRange()
    if op == "EQ":
        return SortRange(operands[0], True, operands[0], True)
    if op == "LT":
        return SortRange(high=operands[0], high_inclusive=False)
    if op == "LE":
        return SortRange(high=operands[0])
    if op == "GT":
        return SortRange(low=operands[0], low_inclusive=False)
    if op == "GE":
        return SortRange(low=operands[0])
    if op == "BETWEEN":
        return SortRange(operands[0], True, operands[1], True)
    if op == "BEGINS_WITH":
        return SortRange(operands[0], True, prefix_upper_bound(operands[0]), False)
    raise ValueError(f"not a sort key operator: {op}")


def query(conn: sqlite3.Connection, table_id: int, hk: bytes, bounds: SortRange,
          forward: bool, after: tuple[bytes, ...] | None, index: str | None = None
          ) -> Generator[Row, None, None]:
    """Items of one partition within `bounds`, in sort-key order (reversed unless forward),
    strictly after the position `after` (the sort key, plus the table key for an index)."""
    clauses = ["table_id = ?", "hk = ?"]
    params: list[object] = [table_id, hk]
    source, order_columns = "ddb_items", ["rk"]
    if index is not None:
        source, order_columns = "ddb_index_items", ["rk", "table_hk", "table_rk"]
        clauses.append("index_name = ?")
        params.append(index)
    if bounds.low is not None:
        clauses.append("rk >= ?" if bounds.low_inclusive else "rk > ?")
        params.append(bounds.low)
    if bounds.high is not None:
        clauses.append("rk <= ?" if bounds.high_inclusive else "rk < ?")
        params.append(bounds.high)
    if after is not None:
        columns = ", ".join(order_columns)
        marks = ", ".join("?" * len(order_columns))
        clauses.append(f"({columns}) {'>' if forward else '<'} ({marks})")
        params.extend(after)
    order = "ASC" if forward else "DESC"
    ordering = ", ".join(f"{column} {order}" for column in order_columns)
    sql = (f"SELECT hk, rk, item, size FROM {source} WHERE {' AND '.join(clauses)} "
           f"ORDER BY {ordering}")
    return _rows(conn, sql, params)


def scan(conn: sqlite3.Connection, table_id: int, after: tuple[bytes, ...] | None,
         segment: int | None = None, total_segments: int | None = None,
         index: str | None = None) -> Generator[Row, None, None]:
    """Every item of the table or index (or of one parallel-scan segment) in key order,
    strictly after the position `after`."""
    clauses = ["table_id = ?"]
    params: list[object] = [table_id]
    source, columns = "ddb_items", "hk, rk"
    if index is not None:
        source, columns = "ddb_index_items", "hk, rk, table_hk, table_rk"
        clauses.append("index_name = ?")
        params.append(index)
    if after is not None:
        clauses.append(f"({columns}) > ({', '.join('?' * len(after))})")
        params.extend(after)
    if total_segments is not None and total_segments > 1:
        _register_segment_function(conn)
        clauses.append("hw_segment(hk, ?) = ?")
        params.extend((total_segments, segment))
    sql = (f"SELECT hk, rk, item, size FROM {source} WHERE {' AND '.join(clauses)} "
           f"ORDER BY {columns}")
    return _rows(conn, sql, params)


def segment_of(hk: bytes, total_segments: int) -> int:
    """The parallel-scan segment of a partition: its CRC-32 scaled onto 0..total-1."""
    return (zlib.crc32(hk) * total_segments) >> 32


def _register_segment_function(conn: sqlite3.Connection) -> None:
    # Registering is idempotent and cheap; doing it here keeps the schema free of a stored hash.
    conn.create_function("hw_segment", 2, segment_of, deterministic=True)


def _rows(conn: sqlite3.Connection, sql: str, params: list[object]) -> Generator[Row, None, None]:
    cursor = conn.execute(sql, params)
    try:
        while True:
            batch = cursor.fetchmany(FETCH)
            if not batch:
                return
            yield from batch
    finally:
        cursor.close()
