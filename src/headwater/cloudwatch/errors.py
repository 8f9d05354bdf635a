"""CloudWatch's error names (botocore cloudwatch model; query-compatible codes in
`query_code`, sent in `x-amzn-query-error` so clients see the classic names)."""

from __future__ import annotations

from typing import ClassVar

from headwater.wire.errors import AwsError


class InvalidParameterValueException(AwsError):
    code = "InvalidParameterValueException"
    query_code: ClassVar[str] = "InvalidParameterValue"


class InvalidParameterCombinationException(AwsError):
    code = "InvalidParameterCombinationException"
    query_code: ClassVar[str] = "InvalidParameterCombination"


class MissingRequiredParameterException(AwsError):
    code = "MissingRequiredParameterException"
    query_code: ClassVar[str] = "MissingParameter"


class InvalidNextToken(AwsError):
    code = "InvalidNextToken"
    query_code: ClassVar[str] = "InvalidNextToken"


class AccessDenied(AwsError):
    """IAM's refusal (under --enforce-iam): query code AccessDenied, HTTP 403 (CloudWatch API
    reference, "Common Errors")."""

    code = "AccessDenied"
    status = 403
    query_code: ClassVar[str] = "AccessDenied"


class ResourceNotFound(AwsError):
    code = "ResourceNotFound"
    query_code: ClassVar[str] = "ResourceNotFound"
    status = 404


class ResourceNotFoundException(AwsError):
    code = "ResourceNotFoundException"
    query_code: ClassVar[str] = "ResourceNotFoundException"
    status = 404


class InvalidFormatFault(AwsError):
    code = "InvalidFormatFault"
    query_code: ClassVar[str] = "InvalidFormat"


def query_errors() -> dict[str, str]:
    """`x-amzn-query-error` values by error code (CloudWatch is awsQueryCompatible)."""
    found = {}
    for cls in AwsError.__subclasses__():
        query_code = getattr(cls, "query_code", None)
        if cls.__module__ == __name__ and query_code:
            found[cls.code] = f"{query_code};{'Sender' if cls.sender_fault else 'Receiver'}"
    return found
