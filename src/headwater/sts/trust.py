"""Whether a role's trust policy lets a caller assume it: the seam where enforcement plugs in
(IAM_PLAN.md). Without `--enforce-iam` nothing is checked beyond the role's existence, as
every key acts with its account's full rights; with it, the trust policy is evaluated by
`iam.evaluation.can_assume`."""

from __future__ import annotations

import importlib

from headwater.iam.context import RequestContext
from headwater.iam.identities import RoleRecord


def enforced(ctx: RequestContext) -> bool:
    """Settings.enforce_iam (added by the enforcement branch); False until it exists."""
    return bool(getattr(ctx.runtime.settings, "enforce_iam", False))


def trusts(role: RoleRecord, principal_arn: str) -> bool:
    """The trust policy of `role` allows `principal_arn` sts:AssumeRole."""
    # The iampolicy branch's module, imported by name until it is merged.
    evaluation = importlib.import_module("headwater.iam.evaluation")
    return bool(evaluation.can_assume(role.trust_policy, principal_arn, "AWS"))
