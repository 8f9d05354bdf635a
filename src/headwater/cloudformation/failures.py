"""How a failed resource operation reads in its event: a service's own error in the words the
CloudFormation resource handlers use ("Resource handler returned message: "..." (Service: ...,
Status Code: 400, Request ID: ...) (RequestToken: ..., HandlerErrorCode: ...)")."""

from __future__ import annotations

from headwater.cloudformation.errors import DeploymentFailure, ValidationError
from headwater.cloudformation.resources.base import ServiceError
from headwater.core.ids import new_uuid
from headwater.wire.errors import AwsError

SERVICES = {"dynamodb": "DynamoDb", "lambda": "Lambda", "sqs": "Sqs", "sns": "Sns",
            "iam": "Iam", "cloudwatch": "CloudWatch", "logs": "CloudWatchLogs", "s3": "S3"}


def handler_code(error: AwsError) -> str:
    code = error.code
    if "AlreadyExist" in code or code in ("ResourceInUseException", "ResourceConflictException",
                                          "EntityAlreadyExists", "QueueAlreadyExists"):
        return "AlreadyExists"
    if "NotFound" in code or code in ("NoSuchEntity", "QueueDoesNotExist"):
        return "NotFound"
    if "AccessDenied" in code or code == "AuthorizationError":
        return "AccessDenied"
    if "Limit" in code or "Throttl" in code:
        return "ServiceLimitExceeded"
    return "InvalidRequest"


def reason(error: BaseException) -> str:
    """The ResourceStatusReason of a failed resource operation."""
    service = None
    if isinstance(error, ServiceError):
        service, error = error.service, error.error
    if isinstance(error, DeploymentFailure):
        return error.reason
    if isinstance(error, ValidationError):
        return error.message
    if isinstance(error, AwsError):
        named = SERVICES.get(service or "", service or "")
        return (f'Resource handler returned message: "{error.message}" (Service: {named}, '
                f"Status Code: {error.status}, Request ID: {new_uuid()}) (RequestToken: "
                f"{new_uuid()}, HandlerErrorCode: {handler_code(error)})")
    return f"Internal failure: {error}"
