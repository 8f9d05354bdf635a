"""The change log: streams and their shards in memory, the append that runs inside every
writer's transaction, shard rollover, and the in-process subscription consumers wait on.

The database is the truth; this class keeps an index of it. If a transaction that changed
shards rolls back, the index is reloaded.
"""

from __future__ import annotations

import asyncio
import secrets
import sqlite3
import zlib
from datetime import UTC, datetime
from functools import partial
from typing import Any

import orjson

from headwater.core.arns import stream_arn
from headwater.core.clock import Clock
from headwater.core.events import EventBus
from headwater.core.storage import Storage
from headwater.streams import store
from headwater.streams.model import RETENTION_SECONDS, Shard, Stream, format_sequence
from headwater.streams.records import (
    build_record,
    event_name,
    keys_size,
    reissue_record,
    stored_record_json,
)

TableKey = tuple[str, str, str]
SECRET_KEY = "iterator_secret"
CLOCK_KEY = "clock_offset"


class StreamLog:
    def __init__(self, storage: Storage, clock: Clock, rollover_seconds: float,
                 events: EventBus | None = None) -> None:
        """`events` announces each record once committed to the live console's pages, when
        one is open: with none, a record costs nothing more."""
        self.storage = storage
        self.events = events
        self.clock = clock
        self.rollover_seconds = rollover_seconds
        self._waiters: dict[int, asyncio.Event] = {}
        self._stream_events: dict[int, asyncio.Event] = {}
        self._appends: dict[int, asyncio.Event] = {}
        self._region_json: dict[str, bytes] = {}  # a region as JSON, for stored records
        self.secret = self._load_secret()
        # Stored record times, iterators and TTLs only make sense on a clock that never moves
        # back, so the virtual clock's offset is kept beside them.
        clock.persist_with(self._load_offset, self._save_offset)
        self.reload()

    def _load_secret(self) -> bytes:
        with self.storage.transaction() as conn:
            secret = store.get_meta(conn, SECRET_KEY)
            if secret is None or len(secret) < 32:
                secret = secrets.token_bytes(32)
                store.put_meta(conn, SECRET_KEY, secret)
        return secret

    def _load_offset(self) -> float | None:
        value = store.get_meta(self.storage.conn, CLOCK_KEY)
        return None if value is None else float(value)

    def _save_offset(self, offset: float) -> None:
        with self.storage.transaction() as conn:
            store.put_meta(conn, CLOCK_KEY, repr(offset).encode())

    def reload(self) -> None:
        conn = self.storage.conn
        self.sequence = store.max_sequence(conn)
        self.streams: dict[int, Stream] = {s.id: s for s in store.load_streams(conn)}
        self.by_arn: dict[str, Stream] = {s.arn: s for s in self.streams.values()}
        self.current: dict[TableKey, Stream] = {}
        for stream in sorted(self.streams.values(), key=lambda s: s.id):
            if stream.enabled:
                self.current[(stream.account, stream.region, stream.table_name)] = stream
        self.shards: dict[int, list[Shard]] = {sid: [] for sid in self.streams}
        self.open: dict[tuple[int, int], Shard] = {}
        self.shard_by_pk: dict[int, Shard] = {}
        for shard in store.load_shards(conn):
            self.shards.setdefault(shard.stream_id, []).append(shard)
            self.shard_by_pk[shard.pk] = shard
            if not shard.closed:
                self.open[(shard.stream_id, shard.lane)] = shard

    # -- streams ---------------------------------------------------------------------------

    def create_stream(self, account: str, region: str, table_name: str, view_type: str,
                      key_schema: list[dict[str, Any]], shard_count: int) -> Stream:
        """Mint a new stream (new label and ARN) with `shard_count` open shards."""
        now = self.clock.now()
        label = self._label(account, region, table_name, now)
        stream = Stream(0, account, region, table_name,
                        stream_arn(region, account, table_name, label), label, view_type,
                        key_schema, shard_count, now)
        conn = self.storage.conn
        self.storage.on_rollback(self.reload)
        stream.id = store.insert_stream(conn, stream)
        self.streams[stream.id] = stream
        self.by_arn[stream.arn] = stream
        self.shards[stream.id] = []
        self.current[(account, region, table_name)] = stream
        for lane in range(shard_count):
            self._open_shard(conn, stream, lane, None, now)
        return stream

    def disable(self, stream: Stream) -> None:
        """Disable a stream: it stays listed and readable for 24 hours, its shards closed."""
        conn = self.storage.conn
        self.storage.on_rollback(self.reload)
        stream.disabled_at = self.clock.now()
        store.mark_disabled(conn, stream)
        for lane in range(stream.shard_count):
            shard = self.open.pop((stream.id, lane), None)
            if shard is not None:
                self._close(conn, shard)
        key = (stream.account, stream.region, stream.table_name)
        if self.current.get(key) is stream:
            del self.current[key]
        self._notify_stream(stream.id)

    def current_stream(self, account: str, region: str, table_name: str) -> Stream | None:
        return self.current.get((account, region, table_name))

    def find_stream(self, account: str, region: str, arn: str) -> Stream | None:
        """The caller's stream with this ARN (another account's or region's is not found)."""
        stream = self.by_arn.get(arn)
        if stream is None or (stream.account, stream.region) != (account, region):
            return None
        return stream

    def streams_of(self, account: str, region: str) -> list[Stream]:
        return [s for s in self.streams.values() if (s.account, s.region) == (account, region)]

    def remove_stream(self, stream: Stream) -> None:
        """Forget a disabled stream past retention, with its shards and records."""
        with self.storage.transaction() as conn:
            self.storage.on_rollback(self.reload)
            self._save_sequence(conn)
            for shard in self.shards.pop(stream.id, []):
                store.delete_shard(conn, shard)
                self.shard_by_pk.pop(shard.pk, None)
            store.delete_stream(conn, stream)
            self.streams.pop(stream.id, None)
            self.by_arn.pop(stream.arn, None)

    def remove_shard(self, shard: Shard) -> None:
        """Forget a closed shard whose data has all passed retention."""
        with self.storage.transaction() as conn:
            self.storage.on_rollback(self.reload)
            self._save_sequence(conn)
            store.delete_shard(conn, shard)
            self.shard_by_pk.pop(shard.pk, None)
            siblings = self.shards.get(shard.stream_id, [])
            if shard in siblings:
                siblings.remove(shard)

    def trim_shard(self, shard: Shard, horizon: float) -> None:
        """Delete the shard's records created before `horizon`."""
        with self.storage.transaction() as conn:
            trimmed = store.trim_shard(conn, shard, horizon)
            if trimmed != shard.trimmed_seq:
                self._save_sequence(conn)
        shard.trimmed_seq = trimmed

    def _save_sequence(self, conn: sqlite3.Connection) -> None:
        # Deleting records and shards must never let the counter move back after a restart.
        store.save_sequence(conn, self.sequence)

    def _label(self, account: str, region: str, table_name: str, now: float) -> str:
        taken = {s.label for s in self.streams.values()
                 if (s.account, s.region, s.table_name) == (account, region, table_name)}
        millis = int(now * 1000)
        while (label := _iso_millis(millis)) in taken:
            millis += 1
        return label

    # -- shards ----------------------------------------------------------------------------

    def shards_of(self, stream: Stream) -> list[Shard]:
        self.roll_over_due(stream)
        return self.shards.get(stream.id, [])

    def roll_over_all(self) -> float | None:
        """Roll over every due shard; returns the clock time the next shard falls due."""
        for stream in list(self.current.values()):
            self.roll_over_due(stream)
        created = [shard.created for shard in self.open.values()]
        return min(created) + self.rollover_seconds if created else None

    def closed_at(self, shard: Shard) -> float | None:
        """When a closed shard closed: its child's creation, or the stream's disable time."""
        if not shard.closed:
            return None
        for sibling in self.shards.get(shard.stream_id, []):
            if sibling.parent_shard_id == shard.shard_id:
                return sibling.created
        return self.streams[shard.stream_id].disabled_at

    def roll_over_due(self, stream: Stream) -> None:
        """Close every open shard older than the rollover period and open its child."""
        if not stream.enabled:
            return
        now = self.clock.now()
        due = [s for lane in range(stream.shard_count)
               if (s := self.open.get((stream.id, lane))) is not None
               and now - s.created >= self.rollover_seconds]
        if not due:
            return
        with self.storage.transaction() as conn:
            self.storage.on_rollback(self.reload)
            for shard in due:
                self._roll_over(conn, stream, shard, now)

    def _roll_over(self, conn: sqlite3.Connection, stream: Stream, shard: Shard,
                   now: float) -> Shard:
        # A long-idle shard rolls over once, not once per elapsed period.
        self._close(conn, shard)
        return self._open_shard(conn, stream, shard.lane, shard.shard_id, now)

    def _open_shard(self, conn: sqlite3.Connection, stream: Stream, lane: int,
                    parent: str | None, now: float) -> Shard:
        self.sequence += 1
        shard_id = f"shardId-{int(now * 1000):020d}-{secrets.token_hex(4)}"
        shard = Shard(0, stream.id, shard_id, parent, lane, self.sequence, None, now)
        shard.pk = store.insert_shard(conn, shard)
        self.shards[stream.id].append(shard)
        self.shard_by_pk[shard.pk] = shard
        self.open[(stream.id, lane)] = shard
        self._notify_stream(stream.id)
        return shard

    def _close(self, conn: sqlite3.Connection, shard: Shard) -> None:
        # The range ends at the last record the shard ever held, trimmed or not: a closed
        # shard's SequenceNumberRange never changes (aws-facts §1.3).
        last = store.last_seq(conn, shard.pk)
        shard.end_seq = max(shard.start_seq, shard.trimmed_seq, last or 0)
        store.close_shard(conn, shard)
        self.open.pop((shard.stream_id, shard.lane), None)
        self._notify_shard(shard.pk)

    # -- records ---------------------------------------------------------------------------

    def has_stream(self, account: str, region: str, table_name: str) -> bool:
        """Whether changes to the table are recorded (it has an enabled stream)."""
        return (account, region, table_name) in self.current

    def record_change(
        self, conn: sqlite3.Connection, account: str, region: str, table_name: str,
        hash_key: bytes, keys: dict[str, Any], old: dict[str, Any] | None,
        new: dict[str, Any] | None, ttl_delete: bool = False, new_size: int | None = None,
        now: float | None = None, origin: str | None = None, old_size: int | None = None,
        replicated: dict[str, Any] | None = None, old_raw: bytes | None = None,
        new_raw: bytes | None = None,
    ) -> bool:
        """Append the record for one change of an item, inside the caller's transaction.

        `now` is the write's clock time when the writer took it already; `origin` the region
        a replicated write came from (global tables: such records are not sent on again).
        `replicated` is the source replica's record of that change, when the caller knows
        it describes this change too (same images, sizes and view type): it is reissued
        with this stream's sequence number, time, event id and region instead of being built
        and sized again. `old_raw` and `new_raw` are the items' stored JSON when the writer
        has it: the record embeds it as it is (orjson.Fragment), neither decoded nor encoded
        again, and `old` may then be None for an item that exists but was not decoded
        (`old_size` is then required). Returns whether a record was appended (False when the
        table has no stream or nothing changed).
        """
        stream = self.current.get((account, region, table_name))
        if stream is None:
            return False
        if replicated is not None:
            name = replicated["eventName"]
        else:
            name = event_name(old, new, old_raw, new_raw)
        if name is None:
            return False
        now = self.clock.now() if now is None else now
        shard = self._shard_for(conn, stream, hash_key, now)
        self.sequence += 1
        seq = self.sequence
        if (replicated is None and not ttl_delete
                and (new is None or new_raw is not None and new_size is not None)
                and (old_raw is not None and old_size is not None or old is None)):
            # The images there are all stored JSON (or absent).
            data = self._stored_images_json(stream, name, keys, keys_size(keys), old_raw,
                                            old_size or 0, new_raw, new_size or 0, now, seq)
        else:
            if replicated is None:
                record = build_record(
                    name=name, region=region, view_type=stream.view_type, keys=keys,
                    old=old if old_raw is None else orjson.Fragment(old_raw),
                    new=new if new_raw is None else orjson.Fragment(new_raw),
                    created=now, sequence=format_sequence(seq), ttl_delete=ttl_delete,
                    new_size=new_size, old_size=old_size,
                )
            else:
                record = reissue_record(replicated, region=region, created=now,
                                        sequence=format_sequence(seq))
            data = orjson.dumps(record)
        self._append(conn, stream, shard, seq, now, data, origin)
        return True

    def record_stored(self, conn: sqlite3.Connection, stream: Stream, hash_key: bytes,
                      keys: dict[str, Any], keys_bytes: int, new: dict[str, Any],
                      new_raw: bytes, new_size: int, old_raw: bytes | None,
                      old_size: int, old: dict[str, Any] | None = None) -> bool:
        """record_change for a local write (no TTL delete, no replica's record) that stored
        `new` as `new_raw` over the item stored as `old_raw` (None: there was none), both
        sizes known, and the record's Keys sized (`keys_bytes`, records.keys_size): the
        same record, made with fewer steps (PutItem's). Returns whether a record was
        appended (not when the stored bytes are the same item). `old` is the old item
        decoded when the writer has it (UpdateItem's), so it is not decoded again."""
        if old_raw is None:
            name = "INSERT"
        else:
            changed = event_name(old, new, old_raw, new_raw)
            if changed is None:
                return False
            name = changed
        now = self.clock.now()
        shard = self._shard_for(conn, stream, hash_key, now)
        self.sequence += 1
        seq = self.sequence
        data = self._stored_images_json(stream, name, keys, keys_bytes, old_raw, old_size,
                                        new_raw, new_size, now, seq)
        self._append(conn, stream, shard, seq, now, data)
        return True

    def _stored_images_json(self, stream: Stream, name: str, keys: dict[str, Any],
                            keys_bytes: int, old_raw: bytes | None, old_size: int,
                            new_raw: bytes | None, new_size: int, now: float, seq: int
                            ) -> bytes:
        """The JSON of a record of this stream whose images are the items' stored JSON:
        formatted at once (records.stored_record_json), or built around them when that
        shape does not fit (a clock time orjson writes otherwise)."""
        region_json = self._region_json.get(stream.region)
        if region_json is None:
            region_json = self._region_json[stream.region] = orjson.dumps(stream.region)
        data = stored_record_json(
            name=name, region=region_json, view_type=stream.view_type, keys=keys,
            old_raw=old_raw, new_raw=new_raw, created=now, sequence=seq,
            keys_bytes=keys_bytes, new_size=new_size, old_size=old_size)
        if data is not None:
            return data
        return orjson.dumps(build_record(
            name=name, region=stream.region, view_type=stream.view_type, keys=keys,
            old=None if old_raw is None else orjson.Fragment(old_raw),
            new=None if new_raw is None else orjson.Fragment(new_raw), created=now,
            sequence=format_sequence(seq), new_size=new_size, old_size=old_size))

    def _append(self, conn: sqlite3.Connection, stream: Stream, shard: Shard, seq: int,
                now: float, data: bytes, origin: str | None = None) -> None:
        """Store a record, wake its shard's readers once it commits, and show it on the
        console's live page when one is open."""
        store.append_record(conn, shard.pk, seq, now, data, origin)
        self.storage.after_commit(partial(self._notify_shard, shard.pk, origin is None))
        events = self.events
        if events is not None and events.listening:
            # The live page gets the record as GetRecords would: images decoded.
            self._publish_after_commit(stream.account, stream.region, stream.table_name,
                                       stream, shard.shard_id, orjson.loads(data))

    def record_reissued(self, conn: sqlite3.Connection, account: str, region: str,
                        table_name: str, changes: list[tuple[bytes, dict[str, Any]]],
                        origin: str) -> None:
        """Append, in order, another replica's records of changes this table made too (global
        tables: (hash key, source record) each), reissued as record_change reissues one, in
        one statement: a replicated batch's records."""
        stream = self.current.get((account, region, table_name))
        if stream is None or not changes:
            return
        now = self.clock.now()
        events = self.events
        live = events is not None and events.listening
        rows: list[tuple[int, int, float, bytearray, str | None]] = []
        published = []
        touched: set[int] = set()
        for hash_key, replicated in changes:
            shard = self._shard_for(conn, stream, hash_key, now)
            self.sequence += 1
            record = reissue_record(replicated, region=region, created=now,
                                    sequence=format_sequence(self.sequence))
            rows.append((shard.pk, self.sequence, now, bytearray(orjson.dumps(record)), origin))
            touched.add(shard.pk)
            if live:
                published.append((shard.shard_id, record))
        store.append_records(conn, rows)
        for pk in touched:
            self.storage.after_commit(partial(self._notify_shard, pk, False))
        for shard_id, record in published:
            self._publish_after_commit(account, region, table_name, stream, shard_id, record)

    def _shard_for(self, conn: sqlite3.Connection, stream: Stream, hash_key: bytes,
                   now: float) -> Shard:
        """The open shard an item's records go to (its hash key's lane), rolled over first
        when it has been open for the rollover period (undone with the transaction)."""
        lane = zlib.crc32(hash_key) % stream.shard_count if stream.shard_count > 1 else 0
        shard = self.open[(stream.id, lane)]
        if now - shard.created >= self.rollover_seconds:
            self.storage.on_rollback(self.reload)
            shard = self._roll_over(conn, stream, shard, now)
        return shard

    def _publish_after_commit(self, account: str, region: str, table_name: str,
                              stream: Stream, shard_id: str, record: dict[str, Any]) -> None:
        """Show a record on the console's live page once its write commits."""
        events = self.events
        if events is None:
            return
        event = {"table": table_name, "account": account, "region": region,
                 "streamArn": stream.arn, "shardId": shard_id, "record": record}
        self.storage.after_commit(partial(events.publish_live, "record", event))

    def local_records_after(self, stream: Stream, after: int, limit: int
                            ) -> list[tuple[int, float, bytes]]:
        """The stream's records of local writes (not replicated from another region) after
        position `after` across all its shards, in sequence order (so each item's changes in
        order): (seq, created, record JSON)."""
        shards = [shard.pk for shard in self.shards.get(stream.id, [])]
        if not shards:
            return []
        return store.read_local(self.storage.conn, shards, after, limit)

    def backlog(self, stream: Stream, after: int) -> int:
        """How many records of local writes the stream holds after position `after`."""
        shards = [shard.pk for shard in self.shards.get(stream.id, [])]
        if not shards:
            return 0
        return store.count_stream(self.storage.conn, shards, after, origin=False)

    def oldest_local(self, stream: Stream, after: int) -> float | None:
        """When the stream received its first local write's record after `after`, if any."""
        shards = [shard.pk for shard in self.shards.get(stream.id, [])]
        return store.oldest_local(self.storage.conn, shards, after) if shards else None

    def trim_horizon(self) -> float:
        return self.clock.now() - RETENTION_SECONDS

    # -- subscription ----------------------------------------------------------------------

    async def wait_for_records(self, shard: Shard, timeout: float | None = None,
                               after: int | None = None) -> bool:
        """Wait until records are appended to `shard` (or it closes); False on timeout.

        With `after` (the last sequence the caller read), return at once if the shard already
        holds later records: an append that landed before this coroutine first ran (it may
        start an iteration after it was created) would otherwise be missed.
        """
        event = self._waiters.setdefault(shard.pk, asyncio.Event())
        if after is not None:
            last = store.last_seq(self.storage.conn, shard.pk)
            if shard.closed or (last is not None and last > after):
                return True
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def wait_for_shards(self, stream: Stream, timeout: float | None = None) -> bool:
        """Wait until the stream's shard set changes (a shard opens or it is disabled)."""
        event = self._stream_events.setdefault(stream.id, asyncio.Event())
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def appended(self, stream: Stream) -> asyncio.Event:
        """An event set when the next append of a local write's record (not a replicated
        one) to any shard of the stream commits, or a shard closes. Taken before reading, so
        an append between the read and the wait still wakes the reader."""
        return self._appends.setdefault(stream.id, asyncio.Event())

    def wake_readers(self, stream: Stream) -> None:
        """Set the stream's `appended` event now (its readers have something else to see)."""
        event = self._appends.pop(stream.id, None)
        if event is not None:
            event.set()

    def _notify_shard(self, shard_pk: int, local: bool = True) -> None:
        if not self._waiters and not self._appends:
            return  # nobody waits (no reader, no trigger): the usual write
        event = self._waiters.pop(shard_pk, None)
        if event is not None:
            event.set()
        if not local:
            return
        shard = self.shard_by_pk.get(shard_pk)
        appended = None if shard is None else self._appends.pop(shard.stream_id, None)
        if appended is not None:
            appended.set()

    def _notify_stream(self, stream_id: int) -> None:
        event = self._stream_events.pop(stream_id, None)
        if event is not None:
            event.set()


def _iso_millis(millis: int) -> str:
    moment = datetime.fromtimestamp(millis / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}"
