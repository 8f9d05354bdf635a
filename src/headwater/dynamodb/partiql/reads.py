"""PartiQL SELECT: read one item, one partition or the whole table, filter by WHERE, project,
and page with Limit (items read, not matched, as AWS counts) and NextToken.

With an equality on the hash key only that partition is read (SQLite index on (table, hk, rk));
without one, the whole table is read in key order, so pages never skip or repeat an item.
A SELECT on an index ("table"."index") reads the index's own entries (already projected) in
index key order; an equality on the index's hash key reads only that index partition.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import sqlite3
from dataclasses import dataclass
from typing import Any

import orjson

from headwater.dynamodb import query_store
from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.expressions import ast, conditions, paths
from headwater.dynamodb.key_space import KeySpace, position, resolve
from headwater.dynamodb.keys import encode_key_value
from headwater.dynamodb.partiql import binding
from headwater.dynamodb.partiql import statements as st
from headwater.dynamodb.partiql.parser import result_name
from headwater.dynamodb.query_store import SortRange
from headwater.dynamodb.table import Table

PAGE_BYTES = 1024 * 1024
INVALID_TOKEN = "Invalid NextToken"
OTHER_TOKEN = "The provided starting key is invalid"
# Recorded against AWS (paritysuite/dynamodb-conformance partiqlMultiAttributeIndex, 2026-10):
# the refusal follows the index, not the table, despite its wording.
MULTI_ATTRIBUTE_INDEX = ("PartiQL statements cannot be executed on tables with multi-attribute "
                         "HASH keys or multi-attribute RANGE keys.")


@dataclass(slots=True)
class Page:
    items: list[dict[str, Any]]
    next_token: str | None
    read_bytes: int


def select(conn: sqlite3.Connection, table: Table, statement: st.Select, *, limit: int | None,
           token: str | None, fingerprint: str) -> Page:
    """One page of the SELECT's results."""
    space = None if statement.index is None else resolve(table, {"IndexName": statement.index})
    if space is not None and space.index is not None and space.index.is_multi_attribute:
        raise ValidationException(MULTI_ATTRIBUTE_INDEX)
    keys = binding.key_equalities(table, statement.where)
    descending = _descending(table, statement, keys)
    start = None if token is None else _decode(token, fingerprint)
    if space is None:
        bounds = _key_bounds(table, statement.where, keys)
        rows = _rows(conn, table, keys, None if start is None else (start[0], start[-1]),
                     descending, bounds)
    else:
        rows = _index_rows(conn, space, statement.where, start)
    found: list[dict[str, Any]] = []
    read = 0
    count = 0
    last: tuple[bytes, ...] | None = None
    for hk, rk, blob, size in rows:
        if (limit is not None and count >= limit) or read >= PAGE_BYTES:
            return Page(found, _encode(fingerprint, last), read)
        item = orjson.loads(blob)
        count += 1
        read += size
        last = (hk, rk) if space is None else position(space, item)
        if statement.where is None or conditions.evaluate(statement.where, item):
            found.append(project(item, statement.paths))
    return Page(found, None, read)


def project(item: dict[str, Any], selected: tuple[Any, ...] | None) -> dict[str, Any]:
    """`*` keeps the item; each path arrives under its last name (`a.b[1]` as `b[1]`)."""
    if selected is None:
        return item
    result = {}
    for path in selected:
        value = paths.get(item, path.elements)
        if value is not None:
            result[result_name(path)] = value
    return result


def get(conn: sqlite3.Connection, table: Table, statement: st.Select,
        api: str = "ExecuteTransaction") -> dict[str, Any] | None:
    """A SELECT naming the whole key (batches and transactions): the projected item or None."""
    if statement.index is not None:
        raise ValidationException(f"Reads on indices are not supported within {api}.")
    keys = binding.key_equalities(table, statement.where)
    if len(keys) != len(table.key_names):
        raise ValidationException(
            f"Select statements within {api} must specify the primary key in the where clause.")
    for _, _, blob, _ in _rows(conn, table, keys, None):
        item = orjson.loads(blob)
        if statement.where is None or conditions.evaluate(statement.where, item):
            return project(item, statement.paths)
    return None


def _descending(table: Table, statement: st.Select, keys: dict[str, Any]) -> bool:
    """ORDER BY: key attributes only, within one partition; True for a descending sort key."""
    if not statement.order_by:
        return False
    if table.hash_name not in keys:
        raise ValidationException(
            "Must have at least one non-optional hash key condition in WHERE clause when using "
            "ORDER BY clause.")
    descending = False
    for path, desc in statement.order_by:
        name = path.elements[0] if len(path.elements) == 1 else str(path)
        if name not in table.key_names:
            raise ValidationException(
                f"Variable reference {name} in ORDER BY clause must be part of the primary key")
        if name == table.range_name:
            descending = desc
    return descending


def _rows(conn: sqlite3.Connection, table: Table, keys: dict[str, Any],
          start: tuple[bytes, bytes] | None, descending: bool = False,
          bounds: tuple[str, list[bytes]] = ("", [])) -> Any:
    sql = "SELECT hk, rk, item, size FROM ddb_items WHERE table_id = ?" + bounds[0]
    args: list[Any] = [table.id, *bounds[1]]
    if table.hash_name in keys:
        sql += " AND hk = ?"
        args.append(encode_key_value(keys[table.hash_name]))
        if table.range_name is not None and table.range_name in keys:
            sql += " AND rk = ?"
            args.append(encode_key_value(keys[table.range_name]))
    after, order = ("<", "DESC") if descending else (">", "ASC")
    if start is not None:
        sql += f" AND (hk {after} ? OR (hk = ? AND rk {after} ?))"
        args += [start[0], start[0], start[1]]
    sql += f" ORDER BY hk {order}, rk {order}"
    return conn.execute(sql, args)


_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _key_bounds(table: Table, where: Any, keys: dict[str, Any]) -> tuple[str, list[bytes]]:
    """SQL narrowing the rows read to what top-level WHERE terms allow: `pk IN [...]` reads
    only those partitions, sort key ranges and prefixes bound the encoded sort key. WHERE is
    still evaluated on every row read, so a bound only has to keep every match."""
    sql, args = "", []
    hash_path = ast.Path((table.hash_name,))
    range_path = None if table.range_name is None else ast.Path((table.range_name,))
    for term in binding.conjuncts(where):
        if (isinstance(term, ast.In) and term.operand == hash_path
                and table.hash_name not in keys):
            literals = [o for o in term.options if isinstance(o, ast.Literal)]
            if len(literals) == len(term.options):
                wanted = [encode_key_value(o.value) for o in literals
                          if o.type() == table.hash_type]
                sql += f" AND hk IN ({', '.join('?' * len(wanted))})" if wanted else " AND 0"
                args += wanted
        if range_path is None or table.range_name in keys:
            continue
        for op, value in _sort_key_limits(term, range_path):
            if value.type() == table.range_type:
                sql += f" AND rk {op} ?"
                args.append(encode_key_value(value.value))
    return sql, args


def _sort_key_limits(term: Any, path: ast.Path) -> list[tuple[str, ast.Literal]]:
    if isinstance(term, ast.Compare) and term.op in _FLIPPED:
        if term.left == path and isinstance(term.right, ast.Literal):
            return [(term.op, term.right)]
        if term.right == path and isinstance(term.left, ast.Literal):
            return [(_FLIPPED[term.op], term.left)]
    if (isinstance(term, ast.Between) and term.operand == path
            and isinstance(term.low, ast.Literal) and isinstance(term.high, ast.Literal)):
        return [(">=", term.low), ("<=", term.high)]
    if (isinstance(term, ast.FunctionCondition) and term.call.name == "begins_with"
            and term.call.args[0] == path and isinstance(term.call.args[1], ast.Literal)
            and term.call.args[1].type() in ("S", "B")):
        return [(">=", term.call.args[1])]
    return []


# ---- indexes


def _index_rows(conn: sqlite3.Connection, space: KeySpace, where: Any,
                start: tuple[bytes, ...] | None) -> Any:
    """The index's rows in index order, one index partition when WHERE fixes its hash key."""
    table = space.table
    hash_path = ast.Path((space.hash_name,))
    for term in binding.conjuncts(where):
        if isinstance(term, ast.Compare) and term.op == "=":
            for path, other in ((term.left, term.right), (term.right, term.left)):
                if (path == hash_path and isinstance(other, ast.Literal)
                        and other.type() == space.hash_type):
                    hk = encode_key_value(other.value)
                    if start is not None and start[0] != hk:
                        return iter(())
                    after = None if start is None else start[1:]
                    return query_store.query(conn, table.id, hk, SortRange(), True, after,
                                             space.index_name)
    return query_store.scan(conn, table.id, start, index=space.index_name)


# ---- NextToken: the last key read, tied to the statement and parameters that made it


def fingerprint(statement_text: str, parameters: Any) -> str:
    digest = hashlib.sha256(statement_text.encode("utf-8") + orjson.dumps(parameters or []))
    return digest.hexdigest()[:32]


def _encode(fingerprint_: str, last: tuple[bytes, ...] | None) -> str | None:
    if last is None:
        return None
    body = orjson.dumps([fingerprint_, *(base64.b64encode(part).decode() for part in last)])
    return base64.urlsafe_b64encode(body).decode()


def _decode(token: str, fingerprint_: str) -> tuple[bytes, ...]:
    try:
        made_for, *parts = orjson.loads(base64.urlsafe_b64decode(token.encode()))
        start = tuple(base64.b64decode(part) for part in parts)
        if len(start) not in (2, 4):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
        raise ValidationException(INVALID_TOKEN) from None
    if made_for != fingerprint_:
        raise ValidationException(OTHER_TOKEN)
    return start
