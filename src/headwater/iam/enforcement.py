"""IAM's decisions for Headwater's services (core/authority.py's Authority), under
`--enforce-iam` (issue 13 §3-§6):

- a request: every (action, resource) the operation asks for (iam/actions.py) is evaluated
  (iam/evaluation.py) with the caller's identity policies (iam/identities.py: inline and
  attached managed policies of the user, or of the role behind a role session) and the
  resource's resource-based policy (a table's or stream's PutResourcePolicy, a function's
  AddPermission; core/resource_policies.py). An account's root may do everything in its own
  account; another account's resource needs its resource policy to allow the caller (and, for
  a user or role session, its own identity policy too). A denial carries IAM's message;
- Lambda's execution roles: whether lambda.amazonaws.com may assume one (its trust policy),
  what a session of it may do (the four stream actions, sending to a destination), and the
  session credentials its workers run with.

Without the flag the same object only validates resource policies (`enforcing` False), so
services need not know whether IAM is on.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from headwater.core.authority import Denied, SessionKeys
from headwater.core.principal import Principal
from headwater.core.resource_policies import ResourcePolicies
from headwater.iam import names
from headwater.iam.actions import authorizations
from headwater.iam.evaluation import AuthzRequest, Outcome, denial_message, evaluate
from headwater.iam.evaluation import can_assume as trust_allows
from headwater.iam.identities import Identities
from headwater.iam.policy_documents import (
    MalformedPolicy,
    PolicyDocument,
    Statement,
    parse_policy,
)

LAMBDA = "lambda.amazonaws.com"
# A worker's role session lasts this long on the project clock (Lambda renews its sessions
# itself; a warm worker outliving it is refreshed when it is recycled).
WORKER_SESSION = 12 * 3600
DECISIONS = 10_000  # cached decisions before the cache starts again
# (account, region, table name) -> the table's partition key attribute, or None.
PartitionKey = Callable[[str, str, str], "str | None"]


class Enforcer:
    def __init__(self, identities: Identities, policies: ResourcePolicies,
                 partition_key: PartitionKey, enforcing: bool = True) -> None:
        self.identities = identities
        self.policies = policies
        self.partition_key = partition_key
        self.enforcing = enforcing
        self._parsed: dict[tuple[str, str], PolicyDocument] = {}
        # (principal, action, resource) -> (identity policies, resource policy, outcome) of a
        # decision no condition can change: reused while both policy objects are the same
        # (identities.py and resource_policy() hand out new objects when a policy changes).
        self._decisions: dict[tuple[str, str, str], tuple[object, object, Outcome]] = {}

    # -- requests ---------------------------------------------------------------------------

    def authorize(self, principal: Principal, service: str, operation: str,
                  request: Mapping[str, Any]) -> None:
        if not self.enforcing:
            return
        account = principal.account
        keys = _KeyNames(self.partition_key, account, principal.region)
        asked = authorizations(service, operation, account, principal.region, request,
                               key_names=keys, caller_arn=principal.arn)
        if not asked:
            return
        identity = (None if principal.is_root
                    else self.identities.identity_policies(account, principal.arn))
        for action, resource, context in asked:
            owner = _account_of(resource)
            policy = self.resource_policy(resource)
            if identity is None and policy is None and owner in (None, account):
                continue  # the root in its own account, and no resource policy to deny it
            outcome = self._decide(principal.arn, account, action, resource, context,
                                   identity or (), policy, owner)
            if not outcome.allowed:
                raise Denied(denial_message(principal.arn, action, resource, outcome))

    def _decide(self, principal_arn: str, account: str, action: str, resource: str,
                context: Mapping[str, Sequence[str]], identity: Sequence[PolicyDocument],
                policy: PolicyDocument | None, owner: str | None) -> Outcome:
        key = (principal_arn, action, resource)
        cached = self._decisions.get(key)
        if cached is not None and cached[0] is identity and cached[1] is policy:
            return cached[2]
        outcome = evaluate(AuthzRequest(principal_arn, account, action, resource, context),
                           identity, policy, owner)
        if _static(identity, policy, principal_arn, action, resource):
            if len(self._decisions) >= DECISIONS:
                self._decisions.clear()
            self._decisions[key] = (identity, policy, outcome)
        return outcome

    def resource_policy(self, resource: str) -> PolicyDocument | None:
        """The resource-based policy that governs `resource`: a table's for the table and its
        indexes, a stream's, a (qualified) function's, a role's trust policy."""
        if ":iam::" in resource:
            # A role's resource policy is its trust policy (IAM user guide, "How IAM roles
            # differ from resource-based policies"): it lets a named principal AssumeRole.
            role = self._role(resource)
            return None if role is None else role.trust_policy
        arn = resource.split("/index/", 1)[0] if ":dynamodb:" in resource else resource
        stored = self.policies.get(arn)
        if stored is None:
            return None
        key = (arn, stored.revision)
        document = self._parsed.get(key)
        if document is None:
            try:
                document = parse_policy(stored.text, kind="resource")
            except MalformedPolicy:
                return None  # stored before validation could refuse it: it grants nothing
            if len(self._parsed) > 4096:
                self._parsed.clear()
            self._parsed[key] = document
        return document

    # -- execution roles -----------------------------------------------------------------------

    def lambda_can_assume(self, account: str, role_arn: str) -> bool:
        role = self._role(role_arn)
        return role is not None and trust_allows(role.trust_policy, LAMBDA, "Service")

    def role_allows(self, account: str, role_arn: str, action: str, resource: str) -> bool:
        role = self._role(role_arn)
        if role is None:
            return False
        session = names.session_arn(role.account, role.name, "headwater")
        owner = _account_of(resource)
        outcome = evaluate(AuthzRequest(session, role.account, action, resource, {}),
                           self.identities.identity_policies(role.account, session),
                           self.resource_policy(resource), owner)
        return outcome.allowed

    def role_session(self, account: str, role_arn: str, session_name: str
                     ) -> SessionKeys | None:
        if not self.enforcing or self._role(role_arn) is None:
            return None
        issued = self.identities.assume_role_for_service(account, role_arn, session_name,
                                                         WORKER_SESSION)
        return SessionKeys(issued.access_key_id, issued.secret, issued.session_token or "")

    def resource_allows(self, principal: Principal, action: str, resource: str) -> bool:
        policy = self.resource_policy(resource)
        if policy is None:
            return False
        # Without --enforce-iam identity policies are not in play: the resource's policy
        # alone decides (as across accounts, where it must allow).
        request = AuthzRequest(principal.arn, principal.account, action, resource, {})
        return evaluate(request, (_allow_all(),), policy, _account_of(resource)).allowed

    def policy_problem(self, text: str) -> str | None:
        try:
            parse_policy(text, kind="resource")
        except MalformedPolicy as error:
            return error.message
        return None

    def _role(self, role_arn: str) -> Any:
        match = names.ROLE_ARN.fullmatch(role_arn)
        return None if match is None else self.identities.role(match.group(1), match.group(3))


@functools.cache
def _allow_all() -> PolicyDocument:
    return parse_policy('{"Version": "2012-10-17", "Statement": '
                        '[{"Effect": "Allow", "Action": "*", "Resource": "*"}]}')


def _static(identity: Sequence[PolicyDocument], policy: PolicyDocument | None,
            principal_arn: str, action: str, resource: str) -> bool:
    """Whether no condition or policy variable can change the decision: every statement that
    covers the action, the resource (and, in a resource policy, the principal) has neither."""
    for document in identity:
        if not all(_fixed(statement, resource) for statement in document.for_action(action)):
            return False
    if policy is None:
        return True
    for statement in policy.for_action(action):
        principals = statement.principals
        if principals is not None and (principals.names("AWS", principal_arn)
                                       == statement.not_principal):
            continue  # names someone else
        if not _fixed(statement, resource):
            return False
    return True


def _fixed(statement: Statement, resource: str) -> bool:
    resources = statement.resources
    if resources is not None and resources.templates:
        return False
    applies = resources is None or resources.matches(resource, {}) != statement.not_resource
    return not applies or not statement.conditions


def _account_of(arn: str) -> str | None:
    parts = arn.split(":", 5)
    if len(parts) < 6 or not parts[4]:
        return None
    return parts[4]


class _KeyNames(Mapping[str, str]):
    """Table name -> partition key attribute, looked up only when dynamodb:LeadingKeys asks."""

    def __init__(self, partition_key: PartitionKey, account: str, region: str) -> None:
        self._lookup = partition_key
        self._account, self._region = account, region

    def __getitem__(self, table: str) -> str:
        found = self._lookup(self._account, self._region, table)
        if found is None:
            raise KeyError(table)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __bool__(self) -> bool:
        return True  # tables are looked up on demand: never take this for "no tables"
