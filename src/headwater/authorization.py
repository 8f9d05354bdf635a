"""The authorisation hook each protocol service runs after validating a request: without
`--enforce-iam` the service's own cross-account refusals (core/tenancy.py, `access.py` of each
service package), with it IAM's decision for the caller (core/authority.py, iam/enforcement.py),
which also covers another account's resources (allowed where their resource policy says so),
answered with the service's own error: DynamoDB AccessDeniedException (400), Lambda
AccessDeniedException (403), SQS AccessDenied (403), SNS AuthorizationError (403), CloudWatch
AccessDenied (403), CloudWatch Logs AccessDeniedException (400) (aws-facts §7)."""

from __future__ import annotations

from typing import Any

from headwater.core.authority import Authority, Denied
from headwater.core.context import RequestContext
from headwater.core.tenancy import Authorize
from headwater.wire.errors import AwsError


class LogsAccessDenied(AwsError):
    """CloudWatch Logs' name for IAM's refusal (botocore logs model: AccessDeniedException)."""

    code = "AccessDeniedException"


def guarded(service: str, authority: Authority, denied: type[AwsError],
            tenancy: Authorize | None = None) -> Authorize | None:
    """The hook for `service` (its IAM prefix: dynamodb, lambda, sqs, sns, ...)."""
    if not authority.enforcing:
        return tenancy

    def authorize(ctx: RequestContext[Any], operation: str, request: dict[str, Any]) -> None:
        try:
            authority.authorize(ctx.caller, service, operation, request)
        except Denied as error:
            raise denied(error.message) from None

    return authorize
