"""Errors the mapping API raises (aws-facts §3.4). Lambda's shared names come from
`functions/errors.py`; ResourceInUseException is used only by mappings."""

from __future__ import annotations

from headwater.functions.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
    TooManyRequestsException,
)
from headwater.wire.errors import AwsError

__all__ = [
    "InvalidParameterValueException",
    "ResourceConflictException",
    "ResourceInUseException",
    "ResourceNotFoundException",
    "TooManyRequestsException",
    "NOT_FOUND",
]

NOT_FOUND = "The resource you requested does not exist."


class ResourceInUseException(AwsError):
    code = "ResourceInUseException"
