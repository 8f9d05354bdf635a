"""IAM's policy evaluation logic for one request (IAM user guide, "Policy evaluation logic"
and "Cross-account policy evaluation logic"), and IAM's denial messages (aws-facts §7).

1. An explicit Deny in any applicable policy (identity-based or resource-based) decides.
2. Same account: an Allow in an identity-based policy or in the resource-based policy is
   enough. Another account's resource: both must allow (the identity policy in the
   caller's account and the resource policy in the resource's).
3. Otherwise the request is implicitly denied.

A statement applies when its Action/NotAction covers the action, its Resource/NotResource the
resource, its Principal/NotPrincipal (resource policies) the caller, and every condition holds.
An account's root (`arn:aws:iam::ACCOUNT:root`) has every identity permission in its own
account; only a resource policy's explicit Deny, or another account's resource, stops it.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from headwater.iam.patterns import Context
from headwater.iam.policy_documents import PolicyDocument, Statement
from headwater.iam.principals import arn_account, role_of_session

IDENTITY = "identity-based"
RESOURCE = "resource-based"


@dataclass(frozen=True, slots=True)
class AuthzRequest:
    principal_arn: str
    principal_account: str
    action: str  # "dynamodb:PutItem"
    resource: str  # an ARN, or "*"
    context: Mapping[str, Sequence[str]]  # lower-cased condition key -> values


class Decision(enum.Enum):
    ALLOW = "allow"
    IMPLICIT_DENY = "implicit-deny"
    EXPLICIT_DENY = "explicit-deny"


@dataclass(frozen=True, slots=True)
class Outcome:
    decision: Decision
    denied_by: str | None  # "identity-based" | "resource-based" | None (allowed)

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOW


ALLOWED = Outcome(Decision.ALLOW, None)


@functools.lru_cache(maxsize=1024)
def principal_keys(principal_arn: str) -> dict[str, list[str]]:
    """The global condition keys IAM sets from the caller: aws:PrincipalArn (for a role
    session, the role's ARN), aws:PrincipalAccount, aws:PrincipalType, aws:username."""
    keys = {"aws:principalaccount": [arn_account(principal_arn)]}
    role = role_of_session(principal_arn)
    if role is not None:
        keys["aws:principalarn"] = [role]
        keys["aws:principaltype"] = ["AssumedRole"]
        return keys
    keys["aws:principalarn"] = [principal_arn]
    resource = principal_arn.split(":", 5)[-1]
    if resource == "root":
        keys["aws:principaltype"] = ["Account"]
    elif resource.startswith("user/"):
        keys["aws:principaltype"] = ["User"]
        keys["aws:username"] = [resource.rsplit("/", 1)[-1]]
    return keys


def request_context(request: AuthzRequest) -> Context:
    """The request's condition keys over the ones derived from its principal."""
    derived = principal_keys(request.principal_arn)
    if not request.context:
        return derived
    return {**derived, **request.context}


def _applies(statement: Statement, resource: str, context: Context) -> bool:
    resources = statement.resources
    if resources is not None and resources.matches(resource, context) == statement.not_resource:
        return False
    return all(condition.holds(context) for condition in statement.conditions)


def _scan(policy: PolicyDocument, request: AuthzRequest, context: Context,
          principal: tuple[str, str] | None) -> tuple[bool, bool]:
    """(some statement allows, some statement denies) in one policy."""
    allowed = False
    for statement in policy.for_action(request.action):
        if statement.allow and allowed:
            continue  # one Allow is enough; only a Deny could still change the answer
        if principal is not None:
            named = statement.principals is not None and statement.principals.names(*principal)
            if named == statement.not_principal:
                continue
        if _applies(statement, request.resource, context):
            if not statement.allow:
                return allowed, True
            allowed = True
    return allowed, False


def _is_root(principal_arn: str) -> bool:
    return principal_arn.endswith(":root") and ":iam::" in principal_arn


def evaluate(request: AuthzRequest, identity_policies: Sequence[PolicyDocument],
             resource_policy: PolicyDocument | None = None,
             resource_account: str | None = None) -> Outcome:
    """IAM's decision for `request` given the caller's identity policies (inline and attached
    managed) and the resource's policy, if any. `resource_account` None: same account."""
    context = request_context(request)
    identity_allows = _is_root(request.principal_arn)
    for policy in identity_policies:
        allows, denies = _scan(policy, request, context, None)
        if denies:
            return Outcome(Decision.EXPLICIT_DENY, IDENTITY)
        identity_allows = identity_allows or allows
    resource_allows = False
    if resource_policy is not None:
        resource_allows, denies = _scan(resource_policy, request, context,
                                        ("AWS", request.principal_arn))
        if denies:
            return Outcome(Decision.EXPLICIT_DENY, RESOURCE)
    cross_account = resource_account is not None and resource_account != request.principal_account
    if cross_account:
        if not resource_allows:
            return Outcome(Decision.IMPLICIT_DENY, RESOURCE)
        if not identity_allows:
            return Outcome(Decision.IMPLICIT_DENY, IDENTITY)
        return ALLOWED
    if identity_allows or resource_allows:
        return ALLOWED
    return Outcome(Decision.IMPLICIT_DENY, IDENTITY)


def can_assume(trust_policy: PolicyDocument, principal: str, principal_kind: str,
               action: str = "sts:AssumeRole",
               context: Mapping[str, Sequence[str]] | None = None) -> bool:
    """Whether a role's trust policy lets `principal` ("lambda.amazonaws.com" for kind
    "Service", an ARN for kind "AWS") perform `action` on the role: some statement allows and
    none denies. The caller's own identity policy (needed across accounts) is not checked here.
    """
    keys: Context = dict(context or {})
    if principal_kind == "AWS":
        keys = {**principal_keys(principal), **keys}
    request = AuthzRequest(principal, arn_account(principal), action, "*", keys)
    allows, denies = _scan(trust_policy, request, keys, (principal_kind, principal))
    return allows and not denies


def denial_message(principal_arn: str, action: str, resource: str, outcome: Outcome) -> str:
    """IAM's text for a denied request (aws-facts §7; IAM user guide, "Access denied error
    messages")."""
    head = f"User: {principal_arn} is not authorized to perform: {action} on resource: {resource}"
    if outcome.decision is Decision.EXPLICIT_DENY:
        article = "an" if outcome.denied_by == IDENTITY else "a"
        return f"{head} with an explicit deny in {article} {outcome.denied_by} policy"
    if outcome.decision is Decision.IMPLICIT_DENY:
        return f"{head} because no {outcome.denied_by} policy allows the {action} action"
    raise ValueError("the request was allowed")
