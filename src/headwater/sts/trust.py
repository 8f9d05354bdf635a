"""Whether a caller may assume a role: the seam where enforcement plugs in (IAM_PLAN.md).
Without `--enforce-iam` nothing is checked beyond the role's existence, as every key acts with
its account's full rights; with it, the role's trust policy and the caller's identity policies
decide (iam.evaluation.assume_role_outcome: within the role's account a trust policy naming
the caller is enough; naming only its account, or another account, needs the caller's own
policy to allow sts:AssumeRole as well)."""

from __future__ import annotations

from headwater.iam.context import RequestContext
from headwater.iam.evaluation import AuthzRequest, Decision, assume_role_outcome
from headwater.iam.identities import RoleRecord
from headwater.sts.callers import Caller


def may_assume(ctx: RequestContext, role: RoleRecord, who: Caller,
               external_id: str | None = None) -> bool:
    """Whether the trust policy (and, across accounts, the caller's policies) let `who` assume
    `role`; `external_id` (AssumeRole's ExternalId) is the `sts:ExternalId` condition key."""
    if not ctx.runtime.settings.enforce_iam:
        return True
    policies = [] if who.key is None else ctx.runtime.identities.identity_policies(
        who.account, who.arn)
    context = {} if external_id is None else {"sts:externalid": [external_id]}
    request = AuthzRequest(who.arn, who.account, "sts:AssumeRole", role.arn, context)
    outcome = assume_role_outcome(request, policies, role.trust_policy)
    return outcome.decision is Decision.ALLOW
