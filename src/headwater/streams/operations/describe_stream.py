"""DescribeStream (aws-facts §1.3): status, view type, key schema and shards in lexical order,
with Limit, ExclusiveStartShardId and ShardFilter CHILD_SHARDS. Due rollovers apply first."""

from __future__ import annotations

from typing import Any

from headwater.streams.arns import parse_stream_arn
from headwater.streams.context import RequestContext
from headwater.streams.errors import ValidationException, limit_too_large, stream_not_found
from headwater.streams.model import Shard, format_sequence

MAX_LIMIT = 100


def describe_stream(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DescribeStream; a disabled stream describes as DISABLED with every shard closed."""
    arn = request["StreamArn"]
    limit = request.get("Limit", MAX_LIMIT)
    if limit > MAX_LIMIT:
        raise limit_too_large(limit, MAX_LIMIT)
    parent = _child_filter(request.get("ShardFilter"))
    parse_stream_arn(arn)
    log = ctx.runtime.streams
    stream = log.find_stream(ctx.account, ctx.region, arn)
    if stream is None:
        raise stream_not_found(arn)
    shards = sorted(log.shards_of(stream), key=lambda s: s.shard_id)
    if parent is not None:
        shards = [s for s in shards if s.parent_shard_id == parent]
    start = request.get("ExclusiveStartShardId")
    if start is not None:
        # An unknown but well-formed start gives an empty page on AWS, not an error (§1.3).
        known = any(s.shard_id == start for s in shards)
        shards = [s for s in shards if known and s.shard_id > start]
    page = shards[:limit]
    description: dict[str, Any] = {
        "StreamArn": stream.arn,
        "StreamLabel": stream.label,
        "StreamStatus": "ENABLED" if stream.enabled else "DISABLED",
        "StreamViewType": stream.view_type,
        "CreationRequestDateTime": stream.created,
        "TableName": stream.table_name,
        "KeySchema": stream.key_schema,
        "Shards": [_shard(s) for s in page],
    }
    if len(shards) > limit:
        description["LastEvaluatedShardId"] = page[-1].shard_id
    return {"StreamDescription": description}


def _child_filter(shard_filter: dict[str, Any] | None) -> str | None:
    if shard_filter is None:
        return None
    shard_id = shard_filter.get("ShardId")
    if shard_filter.get("Type") != "CHILD_SHARDS" or not shard_id:
        raise ValidationException(
            "ShardFilter requires Type CHILD_SHARDS and the ShardId of the parent shard"
        )
    return str(shard_id)


def _shard(shard: Shard) -> dict[str, Any]:
    numbers = {"StartingSequenceNumber": format_sequence(shard.start_seq)}
    if shard.end_seq is not None:
        numbers["EndingSequenceNumber"] = format_sequence(shard.end_seq)
    out: dict[str, Any] = {"ShardId": shard.shard_id, "SequenceNumberRange": numbers}
    if shard.parent_shard_id is not None:
        out["ParentShardId"] = shard.parent_shard_id
    return out
