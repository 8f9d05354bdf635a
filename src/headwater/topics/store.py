"""SQL for topics and subscriptions (tables `sns_topics`, `sns_subscriptions`, migration 6)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

import orjson


@dataclass(frozen=True, slots=True)
class Topic:
    id: int
    account: str
    region: str
    name: str
    arn: str
    attributes: dict[str, str]


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    topic_arn: str
    arn: str
    protocol: str
    endpoint: str
    attributes: dict[str, str]

    @property
    def raw(self) -> bool:
        return self.attributes.get("RawMessageDelivery", "false").lower() == "true"


def _topic(row: tuple[Any, ...] | None) -> Topic | None:
    if row is None:
        return None
    return Topic(row[0], row[1], row[2], row[3], row[4], orjson.loads(row[5]))


def _subscription(row: tuple[Any, ...]) -> Subscription:
    return Subscription(row[0], row[1], row[2], row[3], row[4], orjson.loads(row[5]))


TOPIC_COLUMNS = "id, account, region, name, arn, attributes"
SUBSCRIPTION_SELECT = ("SELECT s.id, t.arn, s.arn, s.protocol, s.endpoint, s.attributes "
                       "FROM sns_subscriptions s JOIN sns_topics t ON t.id = s.topic_id")


def get_topic(conn: sqlite3.Connection, arn: str) -> Topic | None:
    row = conn.execute(f"SELECT {TOPIC_COLUMNS} FROM sns_topics WHERE arn = ?",
                       (arn,)).fetchone()
    return _topic(row)


def insert_topic(conn: sqlite3.Connection, account: str, region: str, name: str, arn: str,
                 attributes: dict[str, str]) -> Topic:
    cursor = conn.execute(
        "INSERT INTO sns_topics (account, region, name, arn, attributes) VALUES (?, ?, ?, ?, ?)",
        (account, region, name, arn, orjson.dumps(attributes)),
    )
    assert cursor.lastrowid is not None
    return Topic(cursor.lastrowid, account, region, name, arn, attributes)


def update_topic_attributes(conn: sqlite3.Connection, topic_id: int,
                            attributes: dict[str, str]) -> None:
    conn.execute("UPDATE sns_topics SET attributes = ? WHERE id = ?",
                 (orjson.dumps(attributes), topic_id))


def delete_topic(conn: sqlite3.Connection, topic_id: int) -> None:
    conn.execute("DELETE FROM sns_subscriptions WHERE topic_id = ?", (topic_id,))
    conn.execute("DELETE FROM sns_topics WHERE id = ?", (topic_id,))


def list_topic_arns(conn: sqlite3.Connection, account: str, region: str, after: str,
                    limit: int) -> list[str]:
    rows = conn.execute(
        "SELECT arn FROM sns_topics WHERE account = ? AND region = ? AND arn > ? "
        "ORDER BY arn LIMIT ?",
        (account, region, after, limit),
    ).fetchall()
    return [row[0] for row in rows]


def subscriptions(conn: sqlite3.Connection, topic_id: int, after: int = 0,
                  limit: int = -1) -> list[Subscription]:
    rows = conn.execute(
        f"{SUBSCRIPTION_SELECT} WHERE s.topic_id = ? AND s.id > ? ORDER BY s.id LIMIT ?",
        (topic_id, after, limit),
    ).fetchall()
    return [_subscription(row) for row in rows]


def account_subscriptions(conn: sqlite3.Connection, account: str, region: str, after: int,
                          limit: int) -> list[Subscription]:
    rows = conn.execute(
        f"{SUBSCRIPTION_SELECT} WHERE t.account = ? AND t.region = ? AND s.id > ? "
        "ORDER BY s.id LIMIT ?",
        (account, region, after, limit),
    ).fetchall()
    return [_subscription(row) for row in rows]


def get_subscription(conn: sqlite3.Connection, arn: str) -> Subscription | None:
    row = conn.execute(f"{SUBSCRIPTION_SELECT} WHERE s.arn = ?", (arn,)).fetchone()
    return _subscription(row) if row else None


def insert_subscription(conn: sqlite3.Connection, topic_id: int, arn: str, protocol: str,
                        endpoint: str, attributes: dict[str, str]) -> None:
    conn.execute(
        "INSERT INTO sns_subscriptions (topic_id, arn, protocol, endpoint, attributes) "
        "VALUES (?, ?, ?, ?, ?)",
        (topic_id, arn, protocol, endpoint, orjson.dumps(attributes)),
    )


def update_subscription_attributes(conn: sqlite3.Connection, arn: str,
                                   attributes: dict[str, str]) -> None:
    conn.execute("UPDATE sns_subscriptions SET attributes = ? WHERE arn = ?",
                 (orjson.dumps(attributes), arn))


def delete_subscription(conn: sqlite3.Connection, arn: str) -> None:
    conn.execute("DELETE FROM sns_subscriptions WHERE arn = ?", (arn,))


def get_tags(conn: sqlite3.Connection, topic_id: int) -> dict[str, str]:
    row = conn.execute("SELECT tags FROM sns_topics WHERE id = ?", (topic_id,)).fetchone()
    return orjson.loads(row[0]) if row else {}


def set_tags(conn: sqlite3.Connection, topic_id: int, tags: dict[str, str]) -> None:
    conn.execute("UPDATE sns_topics SET tags = ? WHERE id = ?", (orjson.dumps(tags), topic_id))
