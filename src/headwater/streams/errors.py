"""DynamoDB Streams' error names (botocore dynamodbstreams model, aws-facts §1.8)."""

from __future__ import annotations

from headwater.wire.errors import AwsError, InternalServerError, ValidationException

__all__ = [
    "ValidationException",
    "InternalServerError",
    "ResourceNotFoundException",
    "ExpiredIteratorException",
    "TrimmedDataAccessException",
    "LimitExceededException",
    "stream_not_found",
    "shard_not_found",
    "limit_too_large",
]

EXPIRED = "The provided iterator exceeds the maximum age allowed."
TRIMMED = (
    "The operation attempted to read past the oldest stream record in a shard, or the sequence "
    "number is older than the trim horizon (24 hours)."
)


class ResourceNotFoundException(AwsError):
    code = "ResourceNotFoundException"


class ExpiredIteratorException(AwsError):
    code = "ExpiredIteratorException"


class TrimmedDataAccessException(AwsError):
    code = "TrimmedDataAccessException"


class LimitExceededException(AwsError):
    code = "LimitExceededException"


def stream_not_found(arn: str) -> ResourceNotFoundException:
    # Exact wording recorded against AWS (aws-facts §1.3).
    return ResourceNotFoundException(f"Requested resource not found: Stream: {arn} not found")


def shard_not_found(shard_id: str, arn: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(
        f"Requested resource not found: Shard: {shard_id} in Stream: {arn} not found"
    )


def limit_too_large(value: int, maximum: int) -> ValidationException:
    """The model states only Limit's minimum; AWS's servers enforce the maximum (§1.2, §1.5)."""
    return ValidationException(
        f"1 validation error detected: Value '{value}' at 'limit' failed to satisfy constraint: "
        f"Member must have value less than or equal to {maximum}"
    )
