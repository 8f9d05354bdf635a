"""SQS's errors. The JSON protocol reports the modelled shape name in `__type`
(`com.amazonaws.sqs#QueueDoesNotExist`) and the legacy query code in the `x-amzn-query-error`
header (`AWS.SimpleQueueService.NonExistentQueue;Sender`), which botocore maps back to the
modelled exception class."""

from __future__ import annotations

from typing import ClassVar

from headwater.wire.errors import AwsError


class SqsError(AwsError):
    query_error: ClassVar[str] = ""


class QueueDoesNotExist(SqsError):
    code = "QueueDoesNotExist"
    query_error = "AWS.SimpleQueueService.NonExistentQueue"


class QueueNameExists(SqsError):
    code = "QueueNameExists"
    query_error = "QueueAlreadyExists"


class InvalidParameterValue(SqsError):
    code = "InvalidParameterValue"
    query_error = "InvalidParameterValue"


class MissingParameter(SqsError):
    code = "MissingParameter"
    query_error = "MissingParameter"


class InvalidAttributeName(SqsError):
    code = "InvalidAttributeName"
    query_error = "InvalidAttributeName"


class InvalidAttributeValue(SqsError):
    code = "InvalidAttributeValue"
    query_error = "InvalidAttributeValue"


class InvalidMessageContents(SqsError):
    code = "InvalidMessageContents"
    query_error = "InvalidMessageContents"


class ReceiptHandleIsInvalid(SqsError):
    code = "ReceiptHandleIsInvalid"
    query_error = "ReceiptHandleIsInvalid"


class MessageNotInflight(SqsError):
    code = "MessageNotInflight"
    query_error = "AWS.SimpleQueueService.MessageNotInflight"


class PurgeQueueInProgress(SqsError):
    code = "PurgeQueueInProgress"
    query_error = "AWS.SimpleQueueService.PurgeQueueInProgress"


class EmptyBatchRequest(SqsError):
    code = "EmptyBatchRequest"
    query_error = "AWS.SimpleQueueService.EmptyBatchRequest"


class TooManyEntriesInBatchRequest(SqsError):
    code = "TooManyEntriesInBatchRequest"
    query_error = "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"


class BatchEntryIdsNotDistinct(SqsError):
    code = "BatchEntryIdsNotDistinct"
    query_error = "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"


class InvalidBatchEntryId(SqsError):
    code = "InvalidBatchEntryId"
    query_error = "AWS.SimpleQueueService.InvalidBatchEntryId"


class BatchRequestTooLong(SqsError):
    code = "BatchRequestTooLong"
    query_error = "AWS.SimpleQueueService.BatchRequestTooLong"


class InvalidAddress(SqsError):
    code = "InvalidAddress"
    query_error = "InvalidAddress"


class ResourceNotFoundException(SqsError):
    code = "ResourceNotFoundException"
    query_error = "ResourceNotFoundException"


class UnsupportedOperation(SqsError):
    code = "UnsupportedOperation"
    query_error = "AWS.SimpleQueueService.UnsupportedOperation"


def query_errors() -> dict[str, str]:
    """`x-amzn-query-error` header values by `__type` code, for the JSON protocol layer."""
    found: dict[str, str] = {}
    pending: list[type[SqsError]] = [SqsError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.query_error:
            fault = "Sender" if cls.sender_fault else "Receiver"
            found[cls.code] = f"{cls.query_error};{fault}"
    return found


def no_such_queue() -> QueueDoesNotExist:
    return QueueDoesNotExist("The specified queue does not exist.")


class AccessDenied(SqsError):
    """Another account's queue, which no queue policy opens (core/tenancy.py). The JSON
    protocol's `__type` is the front end's `com.amazon.coral.service#AccessDeniedException`
    with query code AccessDenied, HTTP 403 (SQS developer guide, "Troubleshoot access denied
    errors in Amazon SQS")."""

    code = "AccessDeniedException"
    query_error = "AccessDenied"
    status = 403
