"""IAM's policy evaluation logic for one request (IAM user guide, "Policy evaluation logic"
and "Cross-account policy evaluation logic"), and IAM's denial messages (aws-facts §7).

1. An explicit Deny in any applicable policy (identity-based or resource-based) decides.
2. Same account: an Allow in an identity-based policy or in the resource-based policy is
   enough (a resource policy Allow that names only the account delegates to the identity
   policies and grants nothing by itself). Another account's resource: both must allow
   (the identity policy in the caller's account and the resource policy in the resource's).
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
from headwater.iam.principals import DIRECT, NONE, arn_account, role_of_session

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


def _scan(policy: PolicyDocument, request: AuthzRequest, context: Context,
          principal: tuple[str, str] | None) -> tuple[int, bool]:
    """(how strongly some statement allows, some statement denies) in one policy: the allow
    level is 0 (no Allow), ACCOUNT (an Allow naming only the caller's account) or DIRECT.
    PolicyDocument.for_request has matched Action and Resource; what is left is per request:
    the Principal, a resource with policy variables, and the conditions."""
    allowed = NONE
    for statement in policy.for_request(request.action, request.resource):
        if statement.allow and allowed == DIRECT:
            continue  # one Allow is enough; only a Deny could still change the answer
        level = DIRECT
        if principal is not None:
            level = NONE if statement.principals is None else statement.principals.match(
                *principal)
            if statement.not_principal:
                level = DIRECT if level == NONE else NONE
            if level == NONE:
                continue
        if statement.dynamic_resources and not _resource_matches(statement, request.resource,
                                                                 context):
            continue
        for condition in statement.conditions:
            if not condition.holds(context):
                break
        else:
            if not statement.allow:
                return allowed, True
            if level > allowed:
                allowed = level
    return allowed, False


def _resource_matches(statement: Statement, resource: str, context: Context) -> bool:
    resources = statement.resources
    assert resources is not None
    return resources.matches(resource, context) != statement.not_resource


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
        identity_allows = identity_allows or allows != NONE
    resource_level = NONE
    if resource_policy is not None:
        resource_level, denies = _scan(resource_policy, request, context,
                                       ("AWS", request.principal_arn))
        if denies:
            return Outcome(Decision.EXPLICIT_DENY, RESOURCE)
    resource_allows = resource_level != NONE
    cross_account = resource_account is not None and resource_account != request.principal_account
    if cross_account:
        if not resource_allows:
            return Outcome(Decision.IMPLICIT_DENY, RESOURCE)
        if not identity_allows:
            return Outcome(Decision.IMPLICIT_DENY, IDENTITY)
        return ALLOWED
    if identity_allows or resource_level == DIRECT:
        return ALLOWED
    return Outcome(Decision.IMPLICIT_DENY, IDENTITY)


def can_assume(trust_policy: PolicyDocument, principal: str, principal_kind: str,
               action: str = "sts:AssumeRole",
               context: Mapping[str, Sequence[str]] | None = None) -> bool:
    """Whether a role's trust policy lets `principal` ("lambda.amazonaws.com" for kind
    "Service", an ARN for kind "AWS") perform `action` on the role: some statement allows and
    none denies. The caller's own identity policy is not checked here; for an IAM caller use
    `assume_role_outcome`, which also applies it."""
    keys: Context = dict(context or {})
    if principal_kind == "AWS":
        keys = {**principal_keys(principal), **keys}
    request = AuthzRequest(principal, arn_account(principal), action, "*", keys)
    allows, denies = _scan(trust_policy, request, keys, (principal_kind, principal))
    return allows != NONE and not denies


def assume_role_outcome(request: AuthzRequest, identity_policies: Sequence[PolicyDocument],
                        trust_policy: PolicyDocument) -> Outcome:
    """sts:AssumeRole (request.resource: the role ARN) by an IAM principal. The trust policy
    must always allow: naming the caller (or its role, or "*") is enough within the role's
    account; naming only the caller's account, or another account's caller, also needs the
    caller's identity policy to allow sts:AssumeRole on the role. An explicit Deny in either
    decides."""
    context = request_context(request)
    identity_allows = _is_root(request.principal_arn)
    for policy in identity_policies:
        allows, denies = _scan(policy, request, context, None)
        if denies:
            return Outcome(Decision.EXPLICIT_DENY, IDENTITY)
        identity_allows = identity_allows or allows != NONE
    trust_level, denies = _scan(trust_policy, request, context, ("AWS", request.principal_arn))
    if denies:
        return Outcome(Decision.EXPLICIT_DENY, RESOURCE)
    if trust_level == NONE:
        return Outcome(Decision.IMPLICIT_DENY, RESOURCE)
    same_account = arn_account(request.resource) == request.principal_account
    if (same_account and trust_level == DIRECT) or identity_allows:
        return ALLOWED
    return Outcome(Decision.IMPLICIT_DENY, IDENTITY)


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
