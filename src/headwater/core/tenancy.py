"""Who may use a resource of another account. AWS refuses a caller acting on another account's
resource (a table by its ARN, a function, a queue URL, a topic) unless that resource's
resource-based policy allows it. Under `--credentials` (where the caller's account is
verified) such a request is refused with the service's own error unless the table's, stream's
or function's resource policy (PutResourcePolicy, AddPermission) allows the caller; queues and
topics have no resource policies here, so theirs are always refused. Under `--enforce-iam`
IAM's own evaluation takes over (iam/enforcement.py). Without either flag the caller's account
is only claimed, nothing is enforced, and any account's resources stay reachable by ARN or URL.

The message is IAM's implicit-deny wording (IAM user guide, "Troubleshoot access denied error
messages"); the caller is the account's root, as every key here acts as its account's root.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from headwater.core.principal import root_arn

if TYPE_CHECKING:
    from headwater.core.context import RequestContext, Served

# (request context, operation name, decoded request): raises the service's error when the
# caller may not do this; given to a protocol service, which calls it before the operation.
Authorize = Callable[["RequestContext[Any]", str, dict[str, Any]], None]


def enforced(ctx: RequestContext[Served]) -> bool:
    """Whether accounts are kept apart: only when callers are verified (`--credentials`)."""
    return ctx.runtime.settings.credentials is not None


def not_authorized(account: str, action: str, resource: str) -> str:
    """IAM's message for an action no resource-based policy allows."""
    return (f"User: {root_arn(account)} is not authorized to perform: {action} on resource: "
            f"{resource} because no resource-based policy allows the {action} action")


def arn_account(arn: str) -> str | None:
    """The account field of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:...`), or None when
    `arn` is no ARN or names no account (S3 buckets)."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or not parts[4]:
        return None
    return parts[4]
