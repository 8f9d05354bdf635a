"""GetShardIterator (aws-facts §1.4): TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER and
AFTER_SEQUENCE_NUMBER. There is no AT_TIMESTAMP in DynamoDB Streams."""

from __future__ import annotations

from typing import Any

from headwater.streams import iterators, reading
from headwater.streams.arns import parse_stream_arn
from headwater.streams.context import RequestContext
from headwater.streams.errors import ValidationException, stream_not_found
from headwater.streams.model import parse_sequence
from headwater.streams.reading import check_not_trimmed

BY_SEQUENCE = ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER")


def get_shard_iterator(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """GetShardIterator; the iterator expires 15 minutes of clock time after this call."""
    arn = request["StreamArn"]
    kind = request["ShardIteratorType"]
    sequence = _check_sequence(kind, request.get("SequenceNumber"))
    parse_stream_arn(arn)
    log = ctx.runtime.streams
    stream = log.find_stream(ctx.account, ctx.region, arn)
    if stream is None:
        raise stream_not_found(arn)
    shard = reading.find_shard(log, stream, request["ShardId"])
    if kind == "TRIM_HORIZON":
        position = reading.trim_horizon(log, shard)
    elif kind == "LATEST":
        position = reading.latest(log, shard)
    else:
        assert sequence is not None
        if not reading.in_range(log, shard, sequence):
            raise ValidationException(
                f"Invalid SequenceNumber {request['SequenceNumber']} for shard "
                f"{shard.shard_id}: it is not in the shard's sequence number range"
            )
        # A trimmed record cannot be named as a starting point, whether AT or AFTER it.
        check_not_trimmed(log, shard, sequence)
        position = sequence if kind == "AT_SEQUENCE_NUMBER" else sequence + 1
    position_of = iterators.Position(stream.arn, shard.pk, position, log.clock.now())
    return {"ShardIterator": iterators.encode(position_of, log.secret)}


def _check_sequence(kind: str, text: str | None) -> int | None:
    if kind == "AT_TIMESTAMP":
        raise ValidationException(
            "1 validation error detected: Value 'AT_TIMESTAMP' at 'shardIteratorType' failed to "
            "satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, "
            "AT_SEQUENCE_NUMBER, LATEST, TRIM_HORIZON]"
        )
    if kind in BY_SEQUENCE:
        if text is None:
            raise ValidationException(f"SequenceNumber is required for {kind} iterators")
        sequence = parse_sequence(text)
        if sequence is None:
            raise ValidationException(f"Invalid SequenceNumber: {text}")
        return sequence
    if text is not None:
        raise ValidationException(f"SequenceNumber must not be specified for {kind} iterators")
    return None
