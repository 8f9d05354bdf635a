"""GetRecords (aws-facts §1.5): up to Limit (max 1000) records or 1 MB from an iterator's
position; an open shard always gives a NextShardIterator, a drained closed shard none. With
`--stream-read-limits on`, calls beyond AWS's per-shard rate or readers are throttled
(streams/read_limits.py)."""

from __future__ import annotations

from typing import Any

import orjson

from headwater.streams import iterators, reading
from headwater.streams.context import RequestContext
from headwater.streams.errors import limit_too_large, shard_not_found, stream_not_found

MAX_LIMIT = 1000


def get_records(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """GetRecords. Records are sent as stored (pre-serialised), so a page costs no re-encoding."""
    limit = request.get("Limit", MAX_LIMIT)
    if limit > MAX_LIMIT:
        raise limit_too_large(limit, MAX_LIMIT)
    log = ctx.runtime.streams
    position = iterators.decode(request["ShardIterator"], log.secret)
    now = log.clock.now()
    iterators.check_age(position, now)
    stream = log.find_stream(ctx.account, ctx.region, position.stream_arn)
    if stream is None:
        raise stream_not_found(position.stream_arn)
    shard = log.shard_by_pk.get(position.shard)
    if shard is None or shard.stream_id != stream.id:
        raise shard_not_found(str(position.shard), stream.arn)
    limits = ctx.runtime.stream_read_limits
    reader = limits.admit(shard.pk, shard.shard_id, stream.arn, ctx.account,
                          request["ShardIterator"], now)
    reading.check_not_trimmed(log, shard, position.next_seq)
    records, next_seq = reading.read_page(log, shard, position.next_seq, limit)
    response: dict[str, Any] = {"Records": [orjson.Fragment(r) for r in records]}
    if not reading.drained(shard, next_seq):
        following = iterators.Position(stream.arn, shard.pk, next_seq, now)
        response["NextShardIterator"] = iterators.encode(following, log.secret)
        limits.follow(reader, response["NextShardIterator"], now)
    return response
