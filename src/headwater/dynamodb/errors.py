"""DynamoDB's error names (botocore dynamodb model), one class each."""

from __future__ import annotations

from headwater.wire.errors import AwsError, ValidationException

__all__ = [
    "ValidationException",
    "ResourceNotFoundException",
    "ResourceInUseException",
    "ConditionalCheckFailedException",
    "LimitExceededException",
    "TransactionCanceledException",
    "TransactionConflictException",
    "IdempotentParameterMismatchException",
    "ItemCollectionSizeLimitExceededException",
    "AccessDeniedException",
    "GlobalTableNotFoundException",
]


class ResourceNotFoundException(AwsError):
    code = "ResourceNotFoundException"


class ResourceInUseException(AwsError):
    code = "ResourceInUseException"


class PolicyNotFoundException(AwsError):
    """No resource-based policy, or not the revision ExpectedRevisionId names."""

    code = "PolicyNotFoundException"


class ConditionalCheckFailedException(AwsError):
    code = "ConditionalCheckFailedException"


class LimitExceededException(AwsError):
    code = "LimitExceededException"


class TransactionCanceledException(AwsError):
    code = "TransactionCanceledException"


class TransactionConflictException(AwsError):
    code = "TransactionConflictException"


class IdempotentParameterMismatchException(AwsError):
    code = "IdempotentParameterMismatchException"


class ItemCollectionSizeLimitExceededException(AwsError):
    code = "ItemCollectionSizeLimitExceededException"


class TableNotFound(ResourceNotFoundException):
    """ResourceNotFoundException with DynamoDB's wording for a missing table."""

    def __init__(self, name: str = "") -> None:
        super().__init__("Requested resource not found")


class DuplicateItemException(AwsError):
    code = "DuplicateItemException"


class AccessDeniedException(AwsError):
    """Another account's table or stream, which no resource policy opens (core/tenancy.py)."""

    code = "AccessDeniedException"


class GlobalTableNotFoundException(AwsError):
    code = "GlobalTableNotFoundException"
