"""PartiQL SELECT: read one item, one partition or the whole table, filter by WHERE, project,
and page with Limit (items read, not matched, as AWS counts) and NextToken.

With an equality on the hash key only that partition is read (SQLite index on (table, hk, rk));
without one, the whole table is read in key order, so pages never skip or repeat an item.
A SELECT on an index ("table"."index") reads base items holding the index's key attributes,
projected as the index projects them. Deviation: those come in table key order, not in index
key order, and a WHERE on the index keys does not narrow what is read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import sqlite3
from dataclasses import dataclass
from typing import Any

import orjson

from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.expressions import ast, conditions, paths
from headwater.dynamodb.keys import encode_key_value
from headwater.dynamodb.partiql import binding
from headwater.dynamodb.partiql import statements as st
from headwater.dynamodb.partiql.parser import result_name
from headwater.dynamodb.table import Table

PAGE_BYTES = 1024 * 1024
INVALID_TOKEN = "Invalid NextToken"
OTHER_TOKEN = "The provided starting key is invalid"


@dataclass(slots=True)
class Page:
    items: list[dict[str, Any]]
    next_token: str | None
    read_bytes: int


def select(conn: sqlite3.Connection, table: Table, statement: st.Select, *, limit: int | None,
           token: str | None, fingerprint: str) -> Page:
    """One page of the SELECT's results."""
    index = _index(table, statement.index)
    keys = binding.key_equalities(table, statement.where)
    descending = _descending(table, statement, keys)
    start = None if token is None else _decode(token, fingerprint)
    bounds = ("", []) if index is not None else _key_bounds(table, statement.where, keys)
    rows = _rows(conn, table, keys if index is None else {}, start, descending, bounds)
    found: list[dict[str, Any]] = []
    read = 0
    count = 0
    last: tuple[bytes, bytes] | None = None
    for hk, rk, blob, size in rows:
        if (limit is not None and count >= limit) or read >= PAGE_BYTES:
            return Page(found, _encode(fingerprint, last), read)
        item = orjson.loads(blob)
        if index is not None:
            item = _index_view(table, index, item)
            if item is None:
                continue  # not in the (sparse) index, so never read from it
        count += 1
        read += size
        last = (hk, rk)
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


@dataclass(frozen=True, slots=True)
class _Index:
    name: str
    key_names: tuple[str, ...]
    projection: dict[str, Any]


def _index(table: Table, name: str | None) -> _Index | None:
    if name is None:
        return None
    description = table.description
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        for index in description.get(kind) or []:
            if index["IndexName"] == name:
                key_names = tuple(k["AttributeName"] for k in index["KeySchema"])
                return _Index(name, key_names, index.get("Projection") or {})
    raise ValidationException(f"The table does not have the specified index: {name}")


def _index_view(table: Table, index: _Index, item: dict[str, Any]) -> dict[str, Any] | None:
    if any(name not in item for name in index.key_names):
        return None  # sparse index: the item is not in it
    kind = index.projection.get("ProjectionType", "ALL")
    if kind == "ALL":
        return item
    keep = set(table.key_names) | set(index.key_names)
    if kind == "INCLUDE":
        keep |= set(index.projection.get("NonKeyAttributes") or [])
    return {name: value for name, value in item.items() if name in keep}


# ---- NextToken: the last key read, tied to the statement and parameters that made it


def fingerprint(statement_text: str, parameters: Any) -> str:
    digest = hashlib.sha256(statement_text.encode("utf-8") + orjson.dumps(parameters or []))
    return digest.hexdigest()[:32]


def _encode(fingerprint_: str, last: tuple[bytes, bytes] | None) -> str | None:
    if last is None:
        return None
    body = orjson.dumps([fingerprint_, base64.b64encode(last[0]).decode(),
                         base64.b64encode(last[1]).decode()])
    return base64.urlsafe_b64encode(body).decode()


def _decode(token: str, fingerprint_: str) -> tuple[bytes, bytes]:
    try:
        made_for, hk, rk = orjson.loads(base64.urlsafe_b64decode(token.encode()))
        start = base64.b64decode(hk), base64.b64decode(rk)
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
        raise ValidationException(INVALID_TOKEN) from None
    if made_for != fingerprint_:
        raise ValidationException(OTHER_TOKEN)
    return start
