"""CloudFormation's errors (query protocol: the XML error's `Code`), codes and statuses of the
botocore model, messages as CloudFormation words them."""

from __future__ import annotations

from headwater.wire.errors import AwsError


class ValidationError(AwsError):
    code = "ValidationError"


class AlreadyExistsException(AwsError):
    code = "AlreadyExistsException"


class InsufficientCapabilitiesException(AwsError):
    code = "InsufficientCapabilitiesException"


class ChangeSetNotFoundException(AwsError):
    code = "ChangeSetNotFound"
    status = 404


class InvalidChangeSetStatusException(AwsError):
    code = "InvalidChangeSetStatus"


class AccessDenied(AwsError):
    """CloudFormation's refusal of a caller its policies do not allow (--enforce-iam)."""

    code = "AccessDenied"
    status = 403


def template_error(message: str) -> ValidationError:
    return ValidationError(f"Template format error: {message}")


def no_such_stack(name: str) -> ValidationError:
    return ValidationError(f"Stack with id {name} does not exist")


class DeploymentFailure(Exception):
    """A resource operation failed: `reason` is what the resource's events say (the service's
    own error)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
