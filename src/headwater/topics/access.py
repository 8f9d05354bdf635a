"""The topics, subscriptions and endpoints an SNS request names, and the refusal of another
account's (core/tenancy.py): AuthorizationError, HTTP 403, "User: arn:aws:iam::CALLER:root is
not authorized to perform: SNS:Publish on resource: TOPIC_ARN because no resource-based policy
allows the SNS:Publish action" (SNS writes its actions `SNS:Name`).

Subscribe with another account's queue or function as Endpoint is refused as well: AWS would
create the subscription and leave delivery to that queue's or function's resource policy
(for an SQS endpoint, pending the queue owner's confirmation); with no resource policies and no
confirmation flow here, Headwater refuses it at once, naming the action delivery needs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from headwater.core import tenancy
from headwater.topics.errors import AuthorizationError

if TYPE_CHECKING:
    from headwater.topics.context import RequestContext

RESOURCE_MEMBERS = ("TopicArn", "TargetArn", "ResourceArn", "SubscriptionArn")
ENDPOINT_ACTIONS = {"sqs": "sqs:SendMessage", "lambda": "lambda:InvokeFunction"}


def authorize(ctx: RequestContext, operation: str, request: dict[str, Any]) -> None:
    """Refuse a request for another account's topic or endpoint (under --credentials)."""
    if not tenancy.enforced(ctx):
        return
    for member in RESOURCE_MEMBERS:
        arn = request.get(member)
        if isinstance(arn, str):
            _check(ctx, f"SNS:{operation}", arn)
    action = ENDPOINT_ACTIONS.get(str(request.get("Protocol")))
    endpoint = request.get("Endpoint")
    if operation == "Subscribe" and action and isinstance(endpoint, str):
        _check(ctx, action, endpoint)


def _check(ctx: RequestContext, action: str, arn: str) -> None:
    owner = tenancy.arn_account(arn)
    if owner is not None and owner != ctx.account:
        raise AuthorizationError(tenancy.not_authorized(ctx.account, action, arn))
