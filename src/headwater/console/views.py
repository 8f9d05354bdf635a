"""What the console's JSON endpoints answer, read in-process from the services runtime.py
built (never over HTTP). Each function is one view for one account and region."""

from __future__ import annotations

from typing import Any

import orjson

from headwater.core.context import RequestContext
from headwater.core.ids import request_id
from headwater.functions.store import public
from headwater.queues import store as queue_store
from headwater.runtime import Runtime
from headwater.streams import store as stream_store
from headwater.streams.model import SEQUENCE_BASE
from headwater.topics import store as topic_store
from headwater.triggers.operations.list_event_source_mappings import list_event_source_mappings

# The most records a shard view shows (its latest), and messages a queue view peeks.
SHARD_RECORDS = 200
PEEKED_MESSAGES = 100


def streams(runtime: Runtime, account: str, region: str) -> list[dict[str, Any]]:
    """Each stream of the account's tables with its shards: the lineage (parent), whether
    open, and the sequence range."""
    log = runtime.streams
    out = []
    for stream in log.streams_of(account, region):
        shards = []
        for shard in log.shards_of(stream):
            last = stream_store.last_seq(runtime.storage.conn, shard.pk)
            shards.append({
                "shardId": shard.shard_id, "parentShardId": shard.parent_shard_id,
                "closed": shard.closed, "created": shard.created,
                "startingSequenceNumber": str(SEQUENCE_BASE + shard.start_seq),
                "endingSequenceNumber": (None if shard.end_seq is None
                                         else str(SEQUENCE_BASE + shard.end_seq)),
                "lastSequenceNumber": None if last is None else str(SEQUENCE_BASE + last)})
        out.append({"table": stream.table_name, "streamArn": stream.arn,
                    "label": stream.label, "viewType": stream.view_type,
                    "enabled": stream.enabled, "shards": shards})
    return out


def shard_records(runtime: Runtime, account: str, region: str, arn: str,
                  shard_id: str) -> list[dict[str, Any]]:
    """The latest records of one shard, oldest first ([] when there is no such shard)."""
    log = runtime.streams
    stream = log.find_stream(account, region, arn)
    if stream is None:
        return []
    shard = next((s for s in log.shards_of(stream) if s.shard_id == shard_id), None)
    if shard is None:
        return []
    conn = runtime.storage.conn
    last = stream_store.last_seq(conn, shard.pk)
    if last is None:
        return []
    start = max(shard.start_seq, last - SHARD_RECORDS + 1)
    rows = stream_store.read_records(conn, shard.pk, start, SHARD_RECORDS)
    records: list[dict[str, Any]] = [orjson.loads(row[2]) for row in rows]
    return records


def mappings(runtime: Runtime, account: str, region: str) -> list[dict[str, Any]]:
    """The event source mappings as GetEventSourceMapping answers them."""
    ctx = RequestContext(account, region, request_id(), runtime)
    found: list[dict[str, Any]] = list_event_source_mappings(ctx, {})["EventSourceMappings"]
    return found


def functions(runtime: Runtime, account: str, region: str) -> list[dict[str, Any]]:
    records = runtime.functions.store.functions(account, region, "", 10_000)
    return [public(record.config) for record in records]


def queues(runtime: Runtime, account: str, region: str) -> list[dict[str, Any]]:
    conn = runtime.storage.conn
    now = runtime.clock.now()
    out = []
    for name in queue_store.list_queue_names(conn, account, region, "", "", 10_000):
        queue = queue_store.get_queue(conn, account, region, name)
        if queue is None:
            continue
        visible, in_flight, delayed = queue_store.counts(conn, queue.id, now, 0.0)
        out.append({"name": name, "visible": visible, "inFlight": in_flight,
                    "delayed": delayed})
    return out


def queue_messages(runtime: Runtime, account: str, region: str, name: str
                   ) -> list[dict[str, Any]]:
    """The queue's messages, peeked: nothing about them changes."""
    conn = runtime.storage.conn
    queue = queue_store.get_queue(conn, account, region, name)
    if queue is None:
        return []
    now = runtime.clock.now()
    return [{"messageId": m.message_id, "body": m.body, "attributes": m.attributes,
             "sent": m.sent, "visible": m.visible_at <= now,
             "receiveCount": m.receive_count}
            for m in queue_store.peek(conn, queue.id, PEEKED_MESSAGES)]


def topics(runtime: Runtime, account: str, region: str) -> list[dict[str, Any]]:
    conn = runtime.storage.conn
    out = []
    for arn in topic_store.list_topic_arns(conn, account, region, "", 10_000):
        topic = topic_store.get_topic(conn, arn)
        if topic is None:
            continue
        out.append({"name": topic.name, "arn": arn, "subscriptions": [
            {"protocol": s.protocol, "endpoint": s.endpoint}
            for s in topic_store.subscriptions(conn, topic.id)]})
    return out


def clock(runtime: Runtime) -> dict[str, float]:
    return {"now": runtime.clock.now(), "offset": runtime.clock.offset}
