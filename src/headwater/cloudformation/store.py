"""SQL for stacks, their resources, events and change sets (migration 18: cfn_stacks,
cfn_resources, cfn_events, cfn_change_sets). Each function runs on the connection it is given,
inside the caller's transaction when it writes."""

from __future__ import annotations

import sqlite3
from typing import Any

import orjson

from headwater.cloudformation.model import ChangeSet, Resource, Stack


def put_stack(conn: sqlite3.Connection, stack: Stack) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO cfn_stacks (stack_id, account, region, name, status, deleted, "
        "stack) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (stack.stack_id, stack.account, stack.region, stack.name, stack.status, stack.deleted,
         orjson.dumps(stack.to_json())))


def _stack(row: tuple[Any, ...] | None) -> Stack | None:
    return None if row is None else Stack.from_json(orjson.loads(row[0]))


def stack_by_id(conn: sqlite3.Connection, stack_id: str) -> Stack | None:
    return _stack(conn.execute("SELECT stack FROM cfn_stacks WHERE stack_id = ?",
                               (stack_id,)).fetchone())


def live_stack(conn: sqlite3.Connection, account: str, region: str, name: str
               ) -> Stack | None:
    """The stack of that name that is not deleted."""
    return _stack(conn.execute(
        "SELECT stack FROM cfn_stacks WHERE account = ? AND region = ? AND name = ? AND "
        "deleted IS NULL", (account, region, name)).fetchone())


def stacks(conn: sqlite3.Connection, account: str, region: str, with_deleted: bool
           ) -> list[Stack]:
    rows = conn.execute(
        "SELECT stack FROM cfn_stacks WHERE account = ? AND region = ?"
        + ("" if with_deleted else " AND deleted IS NULL"),
        (account, region)).fetchall()
    found = [Stack.from_json(orjson.loads(row[0])) for row in rows]
    return sorted(found, key=lambda stack: stack.created)


def in_progress(conn: sqlite3.Connection) -> list[Stack]:
    rows = conn.execute("SELECT stack FROM cfn_stacks WHERE status LIKE '%_IN_PROGRESS' AND "
                        "status != 'REVIEW_IN_PROGRESS'").fetchall()
    return [Stack.from_json(orjson.loads(row[0])) for row in rows]


def put_resource(conn: sqlite3.Connection, stack_id: str, resource: Resource) -> None:
    conn.execute("INSERT OR REPLACE INTO cfn_resources (stack_id, logical_id, resource) "
                 "VALUES (?, ?, ?)", (stack_id, resource.logical_id,
                                      orjson.dumps(resource.to_json())))


def delete_resource(conn: sqlite3.Connection, stack_id: str, logical_id: str) -> None:
    conn.execute("DELETE FROM cfn_resources WHERE stack_id = ? AND logical_id = ?",
                 (stack_id, logical_id))


def resources(conn: sqlite3.Connection, stack_id: str) -> dict[str, Resource]:
    rows = conn.execute("SELECT resource FROM cfn_resources WHERE stack_id = ?",
                        (stack_id,)).fetchall()
    found = [Resource.from_json(orjson.loads(row[0])) for row in rows]
    return {resource.logical_id: resource for resource in found}


def add_event(conn: sqlite3.Connection, stack_id: str, event: dict[str, Any]) -> None:
    conn.execute("INSERT INTO cfn_events (stack_id, event) VALUES (?, ?)",
                 (stack_id, orjson.dumps(event)))


def events(conn: sqlite3.Connection, stack_id: str) -> list[dict[str, Any]]:
    """Newest first, as DescribeStackEvents answers."""
    rows = conn.execute("SELECT event FROM cfn_events WHERE stack_id = ? ORDER BY id DESC",
                        (stack_id,)).fetchall()
    return [orjson.loads(row[0]) for row in rows]


def put_change_set(conn: sqlite3.Connection, change_set: ChangeSet) -> None:
    conn.execute("INSERT OR REPLACE INTO cfn_change_sets (change_set_id, stack_id, name, "
                 "change_set) VALUES (?, ?, ?, ?)",
                 (change_set.change_set_id, change_set.stack_id, change_set.name,
                  orjson.dumps(change_set.to_json())))


def change_set_by_id(conn: sqlite3.Connection, change_set_id: str) -> ChangeSet | None:
    row = conn.execute("SELECT change_set FROM cfn_change_sets WHERE change_set_id = ?",
                       (change_set_id,)).fetchone()
    return None if row is None else ChangeSet.from_json(orjson.loads(row[0]))


def change_set_by_name(conn: sqlite3.Connection, stack_id: str, name: str) -> ChangeSet | None:
    row = conn.execute("SELECT change_set FROM cfn_change_sets WHERE stack_id = ? AND name = ?",
                       (stack_id, name)).fetchone()
    return None if row is None else ChangeSet.from_json(orjson.loads(row[0]))


def change_sets(conn: sqlite3.Connection, stack_id: str) -> list[ChangeSet]:
    rows = conn.execute("SELECT change_set FROM cfn_change_sets WHERE stack_id = ?",
                        (stack_id,)).fetchall()
    return [ChangeSet.from_json(orjson.loads(row[0])) for row in rows]


def delete_change_set(conn: sqlite3.Connection, change_set_id: str) -> None:
    conn.execute("DELETE FROM cfn_change_sets WHERE change_set_id = ?", (change_set_id,))


def delete_change_sets(conn: sqlite3.Connection, stack_id: str) -> None:
    conn.execute("DELETE FROM cfn_change_sets WHERE stack_id = ?", (stack_id,))
