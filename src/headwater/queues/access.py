"""The queues an SQS request names (QueueUrl, GetQueueUrl's QueueOwnerAWSAccountId, a message
move task's SourceArn and DestinationArn), and the refusal of another account's
(core/tenancy.py): AccessDenied, HTTP 403, "Access to the resource URL is denied." (SQS
developer guide, "Troubleshoot access denied errors in Amazon SQS", which shows the service
endpoint as URL; Headwater names the queue's URL)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from headwater.core import tenancy
from headwater.queues.errors import AccessDenied
from headwater.queues.names import parse_arn, parse_url, queue_url
from headwater.wire.errors import AwsError

if TYPE_CHECKING:
    from headwater.queues.context import RequestContext


def authorize(ctx: RequestContext, operation: str, request: dict[str, Any]) -> None:
    """Refuse a request for another account's queue (under --credentials)."""
    if not tenancy.enforced(ctx):
        return
    url = request.get("QueueUrl")
    if isinstance(url, str):
        try:
            owner, name = parse_url(url)
        except AwsError:
            return  # the operation answers an invalid address
        _check(ctx, owner, url)
    owner_id = request.get("QueueOwnerAWSAccountId")
    if isinstance(owner_id, str) and owner_id:
        _check(ctx, owner_id, queue_url(ctx.host, owner_id, str(request.get("QueueName", ""))))
    for member in ("SourceArn", "DestinationArn"):
        arn = request.get(member)
        parsed = parse_arn(arn) if isinstance(arn, str) else None
        if parsed is not None:
            _check(ctx, parsed[1], queue_url(ctx.host, parsed[1], parsed[2]))


def _check(ctx: RequestContext, owner: str, url: str) -> None:
    if owner != ctx.account:
        raise AccessDenied(f"Access to the resource {url} is denied.")
