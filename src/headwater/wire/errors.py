"""AWS error shapes: one exception class per AWS error name, rendered by the protocol layer."""

from __future__ import annotations

from typing import Any, ClassVar


class AwsError(Exception):
    """An error AWS would return. Subclasses set `code`, `status` and `sender_fault`."""

    code: ClassVar[str] = "InternalFailure"
    status: ClassVar[int] = 400
    sender_fault: ClassVar[bool] = True

    def __init__(self, message: str = "", **members: Any) -> None:
        super().__init__(message)
        self.message = message
        self.members = members


class ValidationException(AwsError):
    code = "ValidationException"


class SerializationException(AwsError):
    code = "SerializationException"


class UnknownOperationException(AwsError):
    code = "UnknownOperationException"


class InternalServerError(AwsError):
    code = "InternalServerError"
    status = 500
    sender_fault = False


class MissingAuthenticationTokenException(AwsError):
    code = "MissingAuthenticationTokenException"
    status = 400
