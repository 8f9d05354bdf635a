"""The Principal/NotPrincipal element of resource-based and trust policies, and who it names.

IAM user guide, "AWS JSON policy elements: Principal": `"*"` (or `{"AWS": "*"}`) is everyone;
an account id or `arn:aws:iam::ACCOUNT:root` is every principal of that account; a role ARN
also covers that role's sessions (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, a role's
path is not in its session ARN); a user or session ARN names exactly that principal;
`{"Service": "lambda.amazonaws.com"}` names a service.

Naming an account is not the same as naming its principals: within the account, a resource
policy that allows the account grants nothing by itself (the account's identity policies
decide), while one naming the user, role or session, or "*", grants directly (IAM user guide,
"Policy evaluation logic": the union of identity and resource policies in one account).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The AWS principal forms IAM accepts (others: 'Invalid principal in policy: "AWS":"X"').
_AWS_PRINCIPAL = re.compile(
    r"\d{12}|arn:aws[a-z-]*:iam::(\d{12}|aws):(root|(user|role|group)/[\w+=,.@/-]+)"
    r"|arn:aws[a-z-]*:sts::\d{12}:(assumed-role/[\w+=,.@-]+/[\w+=,.@-]+"
    r"|federated-user/[\w+=,.@-]+)")
_SERVICE_PRINCIPAL = re.compile(r"[a-z0-9][a-z0-9.-]*\.amazon(aws)?\.com(\.cn)?")
# How a Principal element names a caller (Principals.match).
NONE, ACCOUNT, DIRECT = 0, 1, 2
_SESSION = re.compile(r"arn:(aws[a-z-]*):sts::(\d{12}):assumed-role/([^/]+)/.+")
_ROLE = re.compile(r"arn:(aws[a-z-]*):iam::(\d{12}):role/(?:.*/)?([^/]+)")


def valid_aws_principal(value: str) -> bool:
    return value == "*" or _AWS_PRINCIPAL.fullmatch(value) is not None


def valid_service_principal(value: str) -> bool:
    return value == "*" or _SERVICE_PRINCIPAL.fullmatch(value) is not None


def arn_account(arn: str) -> str:
    """The account of a principal ARN (its fifth field), or '' when it has none."""
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 else ""


def role_of_session(arn: str) -> str | None:
    """The role ARN behind an assumed-role session ARN (without the role's path)."""
    match = _SESSION.fullmatch(arn)
    if match is None:
        return None
    return f"arn:{match.group(1)}:iam::{match.group(2)}:role/{match.group(3)}"


def _same_role(policy_arn: str, role_arn: str) -> bool:
    """A role ARN in a policy (maybe with a path) against a session's role ARN (no path)."""
    named, actual = _ROLE.fullmatch(policy_arn), _ROLE.fullmatch(role_arn)
    return (named is not None and actual is not None
            and named.group(2, 3) == actual.group(2, 3))


@dataclass(frozen=True, slots=True)
class Principals:
    everyone: bool
    aws: frozenset[str]
    services: frozenset[str]
    federated: frozenset[str]

    def names(self, kind: str, principal: str) -> bool:
        """Whether this element names `principal` of `kind` ("AWS" an ARN, "Service" a
        service name, "Federated" a provider)."""
        return self.match(kind, principal) != NONE

    def match(self, kind: str, principal: str) -> int:
        """How this element names `principal`: DIRECT (everyone, its ARN, its role), ACCOUNT
        (only through its account, which delegates to the account's identity policies) or
        NONE."""
        if self.everyone:
            return DIRECT
        if kind == "Service":
            return DIRECT if principal in self.services else NONE
        if kind == "Federated":
            return DIRECT if principal in self.federated else NONE
        if "*" in self.aws or principal in self.aws:
            return DIRECT
        role = role_of_session(principal)
        if role is not None and any(_same_role(named, role)
                                    for named in self.aws if ":role/" in named):
            return DIRECT
        account = arn_account(principal)
        if account and (account in self.aws or f"arn:aws:iam::{account}:root" in self.aws):
            return ACCOUNT
        return NONE


def principals_from(element: object) -> Principals:
    """Build from a validated Principal element ("*" or {"AWS": str | [str], ...})."""
    if element == "*":
        return Principals(True, frozenset(), frozenset(), frozenset())
    assert isinstance(element, dict)
    found: dict[str, frozenset[str]] = {}
    for kind in ("AWS", "Service", "Federated"):
        value = element.get(kind, [])
        found[kind] = frozenset([value] if isinstance(value, str) else value)
    return Principals(False, found["AWS"], found["Service"], found["Federated"])
