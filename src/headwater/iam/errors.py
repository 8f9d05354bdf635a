"""IAM's errors: codes and statuses of the botocore model (query protocol: the XML error's
`Code`), messages as IAM words them (quoted per helper where several operations share them)."""

from __future__ import annotations

from headwater.wire.errors import AwsError


class NoSuchEntity(AwsError):
    code = "NoSuchEntity"
    status = 404


class EntityAlreadyExists(AwsError):
    code = "EntityAlreadyExists"
    status = 409


class DeleteConflict(AwsError):
    code = "DeleteConflict"
    status = 409


class LimitExceeded(AwsError):
    code = "LimitExceeded"
    status = 409


class MalformedPolicyDocument(AwsError):
    code = "MalformedPolicyDocument"


class InvalidInput(AwsError):
    code = "InvalidInput"


class ValidationError(AwsError):
    code = "ValidationError"


class PolicyNotAttachable(AwsError):
    code = "PolicyNotAttachable"


def no_such_role(name: str) -> NoSuchEntity:
    return NoSuchEntity(f"The role with name {name} cannot be found.")


def no_such_user(name: str) -> NoSuchEntity:
    return NoSuchEntity(f"The user with name {name} cannot be found.")


def no_such_policy(arn: str) -> NoSuchEntity:
    return NoSuchEntity(f"Policy {arn} was not found.")


def not_attachable(arn: str) -> NoSuchEntity:
    return NoSuchEntity(f"Policy {arn} does not exist or is not attachable.")


class AccessDenied(AwsError):
    """IAM's (and STS's) refusal of a caller its policies do not allow (--enforce-iam)."""

    code = "AccessDenied"
    status = 403


def not_supported(member: str) -> ValidationError:
    """A member Headwater does not apply is refused rather than silently ignored."""
    return ValidationError(f"Headwater does not support {member}.")
