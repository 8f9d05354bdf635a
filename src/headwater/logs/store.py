"""SQL for log groups, streams and events (CloudWatch Logs subset). A group exists once a
stream in it has events, as a function's group appears on its first invocation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from headwater.core.events import Publish, ignore
from headwater.core.storage import Storage


@dataclass(slots=True)
class LogStream:
    id: int
    group: str
    name: str
    created: int
    first_event: int | None
    last_event: int | None


@dataclass(slots=True)
class LogEvent:
    id: int
    stream: str
    timestamp: int
    ingestion: int
    message: str


class LogStore:
    def __init__(self, storage: Storage, publish: Publish = ignore) -> None:
        """`publish` announces each log line once committed (the live console)."""
        self.storage = storage
        self.publish = publish
        self._streams: dict[tuple[str, str, str, str], int] = {}

    def append(self, account: str, region: str, group: str, stream: str,
               events: list[tuple[int, str]]) -> None:
        """Add (timestamp ms, message) events to a stream, creating it on first use."""
        if not events:
            return
        key = (account, region, group, stream)
        first, last = events[0][0], events[-1][0]
        with self.storage.transaction() as conn:
            stream_id = self._streams.get(key)
            if stream_id is None:
                row = conn.execute(
                    "SELECT id FROM log_streams WHERE account = ? AND region = ? AND log_group = ? "
                    "AND name = ?", key).fetchone()
                if row is None:
                    stream_id = conn.execute(
                        "INSERT INTO log_streams (account, region, log_group, name, created, "
                        "first_event) VALUES (?, ?, ?, ?, ?, ?)", (*key, first, first)).lastrowid
                else:
                    stream_id = row[0]
                self.storage.on_rollback(lambda: self._forget(key))
                self._streams[key] = int(stream_id or 0)
            conn.executemany(
                "INSERT INTO log_events (stream_id, timestamp, ingestion, message) "
                "VALUES (?, ?, ?, ?)", [(stream_id, ts, last, m) for ts, m in events])
            conn.execute("UPDATE log_streams SET last_event = ? WHERE id = ?", (last, stream_id))
            if self.publish is not ignore:
                lines = [{"account": account, "region": region, "group": group,
                          "stream": stream, "timestamp": ts, "message": m} for ts, m in events]
                self.storage.after_commit(lambda: self._announce(lines))

    def _announce(self, lines: list[dict[str, Any]]) -> None:
        for line in lines:
            self.publish("log", line)

    def _forget(self, key: tuple[str, str, str, str]) -> None:
        self._streams.pop(key, None)

    def groups(self, account: str, region: str, prefix: str) -> list[tuple[str, int]]:
        rows = self.storage.conn.execute(
            "SELECT log_group, MIN(created) FROM log_streams WHERE account = ? AND region = ? "
            "AND substr(log_group, 1, ?) = ? GROUP BY log_group ORDER BY log_group",
            (account, region, len(prefix), prefix)).fetchall()
        return [(row[0], row[1]) for row in rows]

    def streams(self, account: str, region: str, group: str) -> list[LogStream]:
        rows = self.storage.conn.execute(
            "SELECT id, log_group, name, created, first_event, last_event FROM log_streams "
            "WHERE account = ? AND region = ? AND log_group = ? ORDER BY name",
            (account, region, group)).fetchall()
        return [LogStream(*row) for row in rows]

    def events(self, stream_ids: list[int], after_id: int, before_id: int | None,
               start: int | None, end: int | None, limit: int, descending: bool = False,
               ) -> list[LogEvent]:
        if not stream_ids:
            return []
        sql = ["SELECT e.id, s.name, e.timestamp, e.ingestion, e.message FROM log_events e "
               "JOIN log_streams s ON s.id = e.stream_id WHERE e.stream_id IN (",
               ",".join("?" * len(stream_ids)), ") AND e.id > ?"]
        args: list[Any] = [*stream_ids, after_id]
        if before_id is not None:
            sql.append(" AND e.id < ?")
            args.append(before_id)
        if start is not None:
            sql.append(" AND e.timestamp >= ?")
            args.append(start)
        if end is not None:
            sql.append(" AND e.timestamp <= ?")
            args.append(end)
        sql.append(f" ORDER BY e.id {'DESC' if descending else 'ASC'} LIMIT ?")
        args.append(limit)
        rows = self.storage.conn.execute("".join(sql), args).fetchall()
        return [LogEvent(*row) for row in rows]
