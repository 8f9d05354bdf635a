"""STS's errors (botocore model "sts"; query protocol)."""

from __future__ import annotations

from headwater.wire.errors import AwsError


class AccessDenied(AwsError):
    code = "AccessDenied"
    status = 403


class ValidationError(AwsError):
    code = "ValidationError"


class MalformedPolicyDocument(AwsError):
    code = "MalformedPolicyDocument"
