"""GetCallerIdentity."""

from __future__ import annotations

from typing import Any

from headwater.iam.context import RequestContext
from headwater.sts.callers import caller


def get_caller_identity(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """GetCallerIdentity: root (arn:aws:iam::A:root), an IAM user, or a role session."""
    who = caller(ctx)
    return {"UserId": who.user_id, "Account": who.account, "Arn": who.arn}
