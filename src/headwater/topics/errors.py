"""SNS's errors, with the query-protocol codes and statuses of the botocore model."""

from __future__ import annotations

from headwater.wire.errors import AwsError


class NotFound(AwsError):
    code = "NotFound"
    status = 404


class InvalidParameter(AwsError):
    code = "InvalidParameter"


class ParameterValueInvalid(AwsError):
    code = "ParameterValueInvalid"


def invalid(what: str) -> InvalidParameter:
    return InvalidParameter(f"Invalid parameter: {what}")


def no_such_topic() -> NotFound:
    return NotFound("Topic does not exist")


class ResourceNotFound(AwsError):
    code = "ResourceNotFound"
    status = 404


class TagLimitExceeded(AwsError):
    code = "TagLimitExceeded"


class EmptyBatchRequest(AwsError):
    code = "EmptyBatchRequest"


class TooManyEntriesInBatchRequest(AwsError):
    code = "TooManyEntriesInBatchRequest"


class InvalidBatchEntryId(AwsError):
    code = "InvalidBatchEntryId"


class BatchEntryIdsNotDistinct(AwsError):
    code = "BatchEntryIdsNotDistinct"


class BatchRequestTooLong(AwsError):
    code = "BatchRequestTooLong"


class AuthorizationError(AwsError):
    """Another account's topic, queue or function, which no resource policy opens
    (core/tenancy.py); SNS's name for IAM's refusal, HTTP 403 (botocore sns model)."""

    code = "AuthorizationError"
    status = 403
