"""Lambda's error names (botocore lambda model), one class each; statuses per aws-facts §3.1, §5.

The rest-json renderer reads the message member's case (`message` or `Message`) from the model.
"""

from __future__ import annotations

from headwater.wire.errors import AwsError, ValidationException

__all__ = [
    "ValidationException",
    "ResourceNotFoundException",
    "ResourceConflictException",
    "InvalidParameterValueException",
    "TooManyRequestsException",
    "RequestTooLargeException",
    "PreconditionFailedException",
    "InvalidRequestContentException",
    "ServiceException",
    "AccessDeniedException",
]


class ResourceNotFoundException(AwsError):
    code = "ResourceNotFoundException"
    status = 404


class ResourceConflictException(AwsError):
    code = "ResourceConflictException"
    status = 409


class InvalidParameterValueException(AwsError):
    code = "InvalidParameterValueException"


class TooManyRequestsException(AwsError):
    code = "TooManyRequestsException"
    status = 429


class RequestTooLargeException(AwsError):
    # AWS answers an oversize Invoke with this name although the model calls it
    # RequestTooLargeException; botocore maps it to a generic ClientError.
    code = "RequestEntityTooLargeException"
    status = 413


class PreconditionFailedException(AwsError):
    code = "PreconditionFailedException"
    status = 412


class InvalidRequestContentException(AwsError):
    code = "InvalidRequestContentException"


class ServiceException(AwsError):
    code = "ServiceException"
    status = 500
    sender_fault = False


class AccessDeniedException(AwsError):
    """Another account's function, which no resource policy opens (core/tenancy.py)."""

    code = "AccessDeniedException"
    status = 403
