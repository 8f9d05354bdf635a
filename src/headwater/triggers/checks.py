"""Checks on mapping requests the botocore model cannot state, with AWS's exact messages
(aws-facts §3.4). Model checks (types, ranges, enums) ran before these in the wire layer."""

from __future__ import annotations

from typing import Any

from headwater.s3.names import parse_bucket_arn
from headwater.triggers.errors import InvalidParameterValueException
from headwater.triggers.filter_patterns import INVALID, InvalidFilterPattern, compile_filters

MIN_RECORD_AGE = 60
MAX_RECORD_AGE = 604800
NULL_STARTING_POSITION = (
    "1 validation error detected: Value null at 'startingPosition' failed to satisfy "
    "constraint: Member must not be null."
)


def is_stream_arn(arn: str) -> bool:
    parts = arn.split(":", 5)
    return (len(parts) == 6 and parts[0] == "arn" and parts[2] == "dynamodb"
            and "/stream/" in parts[5] and parts[5].startswith("table/"))


def check_source(request: dict[str, Any]) -> str:
    arn = request.get("EventSourceArn")
    if not arn or not is_stream_arn(arn):
        raise InvalidParameterValueException("Unrecognized event source.")
    return str(arn)


def check_starting_position(request: dict[str, Any], source_arn: str) -> None:
    position = request.get("StartingPosition")
    if position is None:
        raise InvalidParameterValueException(NULL_STARTING_POSITION)
    if position == "AT_TIMESTAMP":
        raise InvalidParameterValueException(
            f"Unsupported starting position for arn type: {source_arn}")


def check_settings(request: dict[str, Any]) -> None:
    """The checks Create and Update share."""
    destination = request.get("DestinationConfig")
    if destination is not None and "OnSuccess" in destination:
        raise InvalidParameterValueException(
            "Unsupported DestinationConfig parameter for given event source mapping type.")
    target = ((destination or {}).get("OnFailure") or {}).get("Destination") or ""
    service = target.split(":")[2:3]
    if target and (service not in (["sqs"], ["sns"], ["s3"])
                   or service == ["s3"] and parse_bucket_arn(target) is None):
        # What else AWS takes (Kafka topics) is not for DynamoDB streams; say so rather than
        # drop records.
        raise InvalidParameterValueException(
            f"Headwater supports SQS queues, SNS topics and S3 buckets as OnFailure "
            f"destinations, not {target}")
    age = request.get("MaximumRecordAgeInSeconds")
    if age is not None and age != -1 and not MIN_RECORD_AGE <= age <= MAX_RECORD_AGE:
        raise InvalidParameterValueException(
            "MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 "
            "(inclusive)")
    criteria = request.get("FilterCriteria")
    if criteria is not None:
        # The matcher the consumers use validates too: what passes here compiles there.
        try:
            compile_filters([f for f in criteria.get("Filters") or []
                             if f.get("Pattern") is not None])
        except InvalidFilterPattern:
            raise InvalidParameterValueException(INVALID) from None
