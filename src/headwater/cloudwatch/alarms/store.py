"""SQL for alarms and their history (tables `cw_alarms`, `cw_alarm_history`, migration 15).
An alarm is kept as the description DescribeAlarms answers with (MetricAlarm or
CompositeAlarm members, state included), timestamps as epoch seconds."""

from __future__ import annotations

import sqlite3
from typing import Any

import orjson

METRIC, COMPOSITE = "MetricAlarm", "CompositeAlarm"
Alarm = dict[str, Any]


def get(conn: sqlite3.Connection, account: str, region: str, name: str) -> Alarm | None:
    row = conn.execute("SELECT alarm FROM cw_alarms WHERE account = ? AND region = ? AND "
                       "name = ?", (account, region, name)).fetchone()
    return None if row is None else dict(orjson.loads(row[0]))


def every(conn: sqlite3.Connection, account: str | None = None, region: str | None = None
          ) -> list[tuple[str, str, Alarm]]:
    """(account, region, alarm) by name; every account and region when not given."""
    sql = "SELECT account, region, alarm FROM cw_alarms"
    args: tuple[str, ...] = ()
    if account is not None and region is not None:
        sql += " WHERE account = ? AND region = ?"
        args = (account, region)
    rows = conn.execute(sql + " ORDER BY account, region, name", args).fetchall()
    return [(row[0], row[1], dict(orjson.loads(row[2]))) for row in rows]


def put(conn: sqlite3.Connection, account: str, region: str, kind: str, alarm: Alarm) -> None:
    conn.execute(
        "INSERT INTO cw_alarms (account, region, name, kind, alarm) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (account, region, name) DO UPDATE SET kind = excluded.kind, "
        "alarm = excluded.alarm",
        (account, region, alarm["AlarmName"], kind, orjson.dumps(alarm)))


def delete(conn: sqlite3.Connection, account: str, region: str, name: str) -> None:
    conn.execute("DELETE FROM cw_alarms WHERE account = ? AND region = ? AND name = ?",
                 (account, region, name))
    conn.execute("DELETE FROM cw_alarm_history WHERE account = ? AND region = ? AND name = ?",
                 (account, region, name))


def tags(conn: sqlite3.Connection, account: str, region: str, name: str
         ) -> dict[str, str] | None:
    row = conn.execute("SELECT tags FROM cw_alarms WHERE account = ? AND region = ? AND "
                       "name = ?", (account, region, name)).fetchone()
    return None if row is None else dict(orjson.loads(row[0]))


def set_tags(conn: sqlite3.Connection, account: str, region: str, name: str,
             values: dict[str, str]) -> None:
    conn.execute("UPDATE cw_alarms SET tags = ? WHERE account = ? AND region = ? AND name = ?",
                 (orjson.dumps(values), account, region, name))


def add_history(conn: sqlite3.Connection, account: str, region: str, name: str, kind: str,
                moment: float, item_type: str, summary: str, data: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO cw_alarm_history (account, region, name, kind, moment, item_type, "
        "summary, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (account, region, name, kind, moment, item_type, summary, orjson.dumps(data).decode()))


def history(conn: sqlite3.Connection, account: str, region: str, name: str | None
            ) -> list[dict[str, Any]]:
    """History items, newest first."""
    sql = ("SELECT name, kind, moment, item_type, summary, data FROM cw_alarm_history "
           "WHERE account = ? AND region = ?")
    args: tuple[str, ...] = (account, region)
    if name is not None:
        sql += " AND name = ?"
        args = (account, region, name)
    rows = conn.execute(sql + " ORDER BY moment DESC, id DESC", args).fetchall()
    return [{"AlarmName": r[0], "AlarmType": r[1], "Timestamp": r[2], "HistoryItemType": r[3],
             "HistorySummary": r[4], "HistoryData": r[5]} for r in rows]
