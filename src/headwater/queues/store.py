"""SQL for queues and messages (tables `sqs_queues`, `sqs_messages`, migration 6).

A message is visible when `visible_at <= now`; one never received (`receive_count = 0`) with
`visible_at > now` is delayed, one received with `visible_at > now` is in flight.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

import orjson


@dataclass(frozen=True, slots=True)
class Queue:
    id: int
    account: str
    region: str
    name: str
    attributes: dict[str, str]
    created: float
    modified: float
    purged: float | None

    def number(self, name: str) -> int:
        return int(self.attributes[name])

    @property
    def fifo(self) -> bool:
        return self.attributes.get("FifoQueue") == "true"


@dataclass(frozen=True, slots=True)
class StoredMessage:
    id: int
    message_id: str
    body: str
    attributes: dict[str, Any] | None
    system: dict[str, Any] | None
    sent: float
    visible_at: float
    receive_count: int
    first_receive: float | None
    receipt: str | None


QUEUE_COLUMNS = "id, account, region, name, attributes, created, modified, purged"
MESSAGE_COLUMNS = ("id, message_id, body, attributes, system, sent, visible_at, receive_count, "
                   "first_receive, receipt")


def _queue(row: tuple[Any, ...] | None) -> Queue | None:
    if row is None:
        return None
    return Queue(row[0], row[1], row[2], row[3], orjson.loads(row[4]), row[5], row[6], row[7])


def _message(row: tuple[Any, ...]) -> StoredMessage:
    attributes = orjson.loads(row[3]) if row[3] is not None else None
    system = orjson.loads(row[4]) if row[4] is not None else None
    return StoredMessage(row[0], row[1], row[2], attributes, system, *row[5:])


def get_queue(conn: sqlite3.Connection, account: str, region: str, name: str) -> Queue | None:
    row = conn.execute(
        f"SELECT {QUEUE_COLUMNS} FROM sqs_queues WHERE account = ? AND region = ? AND name = ?",
        (account, region, name),
    ).fetchone()
    return _queue(row)


def get_queue_by_id(conn: sqlite3.Connection, queue_id: int) -> Queue | None:
    row = conn.execute(f"SELECT {QUEUE_COLUMNS} FROM sqs_queues WHERE id = ?",
                       (queue_id,)).fetchone()
    return _queue(row)


def all_queues(conn: sqlite3.Connection) -> list[Queue]:
    """Every queue of every account and region (the CloudWatch sampler's round)."""
    rows = conn.execute(f"SELECT {QUEUE_COLUMNS} FROM sqs_queues ORDER BY id").fetchall()
    return [queue for queue in map(_queue, rows) if queue is not None]


def oldest_sent(conn: sqlite3.Connection, queue_id: int, sent_after: float) -> float | None:
    """When the oldest message still in the queue was sent (None: the queue is empty)."""
    row = conn.execute("SELECT min(sent) FROM sqs_messages WHERE queue_id = ? AND sent >= ?",
                       (queue_id, sent_after)).fetchone()
    return float(row[0]) if row and row[0] is not None else None


def insert_queue(conn: sqlite3.Connection, account: str, region: str, name: str,
                 attributes: dict[str, str], now: float) -> Queue:
    cursor = conn.execute(
        "INSERT INTO sqs_queues (account, region, name, attributes, created, modified) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (account, region, name, orjson.dumps(attributes), now, now),
    )
    assert cursor.lastrowid is not None
    return Queue(cursor.lastrowid, account, region, name, attributes, now, now, None)


def update_attributes(conn: sqlite3.Connection, queue_id: int, attributes: dict[str, str],
                      now: float) -> None:
    conn.execute("UPDATE sqs_queues SET attributes = ?, modified = ? WHERE id = ?",
                 (orjson.dumps(attributes), now, queue_id))


def delete_queue(conn: sqlite3.Connection, queue_id: int) -> None:
    conn.execute("DELETE FROM sqs_messages WHERE queue_id = ?", (queue_id,))
    conn.execute("DELETE FROM sqs_queues WHERE id = ?", (queue_id,))


def list_queue_names(conn: sqlite3.Connection, account: str, region: str, prefix: str,
                     after: str, limit: int) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqs_queues WHERE account = ? AND region = ? AND name > ? "
        "AND substr(name, 1, ?) = ? ORDER BY name LIMIT ?",
        (account, region, after, len(prefix), prefix, limit),
    ).fetchall()
    return [row[0] for row in rows]


def purge(conn: sqlite3.Connection, queue_id: int, now: float) -> None:
    conn.execute("DELETE FROM sqs_messages WHERE queue_id = ?", (queue_id,))
    conn.execute("UPDATE sqs_queues SET purged = ? WHERE id = ?", (now, queue_id))


def insert_message(conn: sqlite3.Connection, queue_id: int, message_id: str, body: str,
                   attributes: dict[str, Any] | None, system: dict[str, Any] | None,
                   sent: float, visible_at: float, group: str | None = None) -> int:
    cursor = conn.execute(
        "INSERT INTO sqs_messages (queue_id, message_id, body, attributes, system, sent, "
        "visible_at, group_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (queue_id, message_id, body, orjson.dumps(attributes) if attributes else None,
         orjson.dumps(system) if system else None, sent, visible_at, group),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def expire(conn: sqlite3.Connection, queue_id: int, sent_before: float) -> None:
    conn.execute("DELETE FROM sqs_messages WHERE queue_id = ? AND sent < ?",
                 (queue_id, sent_before))


def visible(conn: sqlite3.Connection, queue_id: int, now: float, limit: int
            ) -> list[StoredMessage]:
    rows = conn.execute(
        f"SELECT {MESSAGE_COLUMNS} FROM sqs_messages WHERE queue_id = ? AND visible_at <= ? "
        "ORDER BY visible_at, id LIMIT ?",
        (queue_id, now, limit),
    ).fetchall()
    return [_message(row) for row in rows]


def mark_received(conn: sqlite3.Connection, message: StoredMessage, visible_at: float,
                  receipt: str, now: float) -> None:
    conn.execute(
        "UPDATE sqs_messages SET visible_at = ?, receipt = ?, receive_count = receive_count + 1, "
        "first_receive = coalesce(first_receive, ?) WHERE id = ?",
        (visible_at, receipt, now, message.id),
    )


def get_message(conn: sqlite3.Connection, queue_id: int, row_id: int) -> StoredMessage | None:
    row = conn.execute(
        f"SELECT {MESSAGE_COLUMNS} FROM sqs_messages WHERE queue_id = ? AND id = ?",
        (queue_id, row_id),
    ).fetchone()
    return _message(row) if row else None


def delete_message(conn: sqlite3.Connection, row_id: int) -> None:
    conn.execute("DELETE FROM sqs_messages WHERE id = ?", (row_id,))


def set_visible_at(conn: sqlite3.Connection, row_id: int, visible_at: float) -> None:
    conn.execute("UPDATE sqs_messages SET visible_at = ? WHERE id = ?", (visible_at, row_id))


def move_message(conn: sqlite3.Connection, row_id: int, queue_id: int, now: float,
                 source_arn: str) -> None:
    """Move a message to a dead-letter queue, visible there at once, remembering where it
    came from (the DeadLetterQueueSourceArn system attribute)."""
    conn.execute(
        "UPDATE sqs_messages SET queue_id = ?, visible_at = ?, receipt = NULL, "
        "system = json_set(coalesce(system, '{}'), '$.DeadLetterQueueSourceArn', ?) "
        "WHERE id = ?",
        (queue_id, now, source_arn, row_id),
    )


def dead_letters(conn: sqlite3.Connection, queue_id: int) -> list[tuple[int, str | None]]:
    """(row id, DeadLetterQueueSourceArn) of every message in a queue, oldest first."""
    rows = conn.execute(
        "SELECT id, json_extract(system, '$.DeadLetterQueueSourceArn') FROM sqs_messages "
        "WHERE queue_id = ? ORDER BY id", (queue_id,),
    ).fetchall()
    return [(row[0], row[1]) for row in rows]


def redrive_message(conn: sqlite3.Connection, row_id: int, queue_id: int, now: float) -> None:
    """Move a dead letter back to a queue as a fresh, visible, never-received message."""
    conn.execute(
        "UPDATE sqs_messages SET queue_id = ?, visible_at = ?, receipt = NULL, "
        "receive_count = 0, first_receive = NULL, "
        "system = json_remove(system, '$.DeadLetterQueueSourceArn') WHERE id = ?",
        (queue_id, now, row_id),
    )


def counts(conn: sqlite3.Connection, queue_id: int, now: float, sent_after: float
           ) -> tuple[int, int, int]:
    """(visible, in flight, delayed) counts of the messages sent after `sent_after` (older
    ones are past the retention period)."""
    row = conn.execute(
        "SELECT coalesce(sum(visible_at <= ?), 0), "
        "coalesce(sum(visible_at > ? AND receive_count > 0), 0), "
        "coalesce(sum(visible_at > ? AND receive_count = 0), 0) "
        "FROM sqs_messages WHERE queue_id = ? AND sent >= ?",
        (now, now, now, queue_id, sent_after),
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def next_visible(conn: sqlite3.Connection, queue_id: int, now: float) -> float | None:
    row = conn.execute(
        "SELECT min(visible_at) FROM sqs_messages WHERE queue_id = ? AND visible_at > ?",
        (queue_id, now),
    ).fetchone()
    return float(row[0]) if row and row[0] is not None else None


def get_tags(conn: sqlite3.Connection, queue_id: int) -> dict[str, str]:
    row = conn.execute("SELECT tags FROM sqs_queues WHERE id = ?", (queue_id,)).fetchone()
    return orjson.loads(row[0]) if row else {}


def set_tags(conn: sqlite3.Connection, queue_id: int, tags: dict[str, str]) -> None:
    conn.execute("UPDATE sqs_queues SET tags = ? WHERE id = ?", (orjson.dumps(tags), queue_id))


# How far into a FIFO queue a receive looks for groups that are not blocked.
FIFO_SCAN = 10000


def fifo_visible(conn: sqlite3.Connection, queue_id: int, now: float, limit: int
                 ) -> list[StoredMessage]:
    """Visible FIFO messages in send order, skipping every group that has a message in flight
    or delayed ahead of them, so a group is consumed strictly in order."""
    blocked: set[str] = set()
    chosen: list[int] = []
    rows = conn.execute(
        "SELECT id, group_id, visible_at FROM sqs_messages WHERE queue_id = ? ORDER BY id "
        "LIMIT ?", (queue_id, FIFO_SCAN),
    )
    for row_id, group, visible_at in rows:
        if group in blocked:
            continue
        if visible_at > now:
            blocked.add(group)
            continue
        chosen.append(row_id)
        if len(chosen) == limit:
            break
    messages = [get_message(conn, queue_id, row_id) for row_id in chosen]
    return [message for message in messages if message is not None]


def deduplicated(conn: sqlite3.Connection, queue_id: int, scope: str, dedup_id: str,
                 now: float) -> tuple[str, str] | None:
    """(message id, sequence number) of a message sent with this deduplication id within the
    window, or None."""
    conn.execute("DELETE FROM sqs_deduplication WHERE queue_id = ? AND expires <= ?",
                 (queue_id, now))
    row = conn.execute(
        "SELECT message_id, sequence FROM sqs_deduplication WHERE queue_id = ? AND scope = ? "
        "AND dedup_id = ?", (queue_id, scope, dedup_id),
    ).fetchone()
    return (row[0], row[1]) if row else None


def remember(conn: sqlite3.Connection, queue_id: int, scope: str, dedup_id: str,
             message_id: str, sequence: str, expires: float) -> None:
    conn.execute(
        "INSERT INTO sqs_deduplication (queue_id, scope, dedup_id, message_id, sequence, "
        "expires) VALUES (?, ?, ?, ?, ?, ?)",
        (queue_id, scope, dedup_id, message_id, sequence, expires),
    )


def redrive_policies(conn: sqlite3.Connection, account: str, region: str, after: str
                     ) -> list[tuple[str, str]]:
    """(name, RedrivePolicy) of the queues after `after` that have one, by name."""
    rows = conn.execute(
        "SELECT name, json_extract(attributes, '$.RedrivePolicy') FROM sqs_queues "
        "WHERE account = ? AND region = ? AND name > ? "
        "AND json_extract(attributes, '$.RedrivePolicy') IS NOT NULL ORDER BY name",
        (account, region, after),
    ).fetchall()
    return [(row[0], row[1]) for row in rows]


def peek(conn: sqlite3.Connection, queue_id: int, limit: int) -> list[StoredMessage]:
    """The queue's messages in the order they were sent, read without receiving them (no
    visibility or receive count changes): the live console's view."""
    rows = conn.execute(
        f"SELECT {MESSAGE_COLUMNS} FROM sqs_messages WHERE queue_id = ? ORDER BY sent, id "
        "LIMIT ?", (queue_id, limit)).fetchall()
    return [_message(row) for row in rows]
