"""Policy documents: parsed and validated as IAM does, compiled once for evaluation.

`parse_policy(text, kind=...)` raises `MalformedPolicy` with IAM's MalformedPolicyDocument
message. Kinds: "identity" (an inline user/role policy), "managed" (CreatePolicy and
CreatePolicyVersion, which also require Version 2012-10-17), "trust" (a role's
AssumeRolePolicyDocument) and "resource" (a table, stream, function, queue or topic policy).

IAM's checks, in the order IAM reports them (messages as the IAM API answers them, seen in
public reports of CreatePolicy/PutRolePolicy/UpdateAssumeRolePolicy failures and in moto's
AWS-verified validator):
1. not JSON, an unknown or mistyped element, Effect not Allow/Deny in any case, a statement
   with both Action and NotAction (or Resource and NotResource), no statement:
   "Syntax errors in policy."
2. a managed policy without Version 2012-10-17:
   "Policy document must be version 2012-10-17 or greater."
3. Effect not spelled "Allow"/"Deny", a Date condition value that is no date:
   "The policy failed legacy parsing"
4. the kind's rules: "Policy document should not specify a principal." (identity),
   "Has prohibited field Resource" and "AssumeRole policy may only specify STS AssumeRole
   actions." (trust), "Missing required field Principal" (trust and resource),
   'Invalid principal in policy: "AWS":"X"' (a principal that is no account or IAM ARN);
5. a Sid with other characters than letters and digits (IAM's own policies; resource
   policies allow more): "Statement IDs (SID) must be alpha-numeric. Check that your input
   satisfies the regular expression [0-9A-Za-z]*"; then "Statement IDs (SID) in a single
   policy must be unique."
6. "Policy statement must contain actions." / "Policy statement must contain resources."
7. a resource that is no ARN ('Resource X must be in ARN format or "*".'), has an unknown
   partition ('Partition "P" is not valid for resource "arn:P:..."'), no plain service
   ("Resource vendor must be fully qualified and cannot contain regexes."), an IAM ARN
   with a region or an unknown path ("IAM resource X cannot contain region information.",
   'IAM resource path must either be "*" or start with user/, ...'); an action without
   a vendor ("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
   with two colons ("Actions/Condition can contain only one colon."), or a bad vendor
   ("Vendor X is not valid").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from headwater.iam.conditions import Condition, compile_condition, parse_date, split_operator
from headwater.iam.patterns import Patterns, compile_patterns
from headwater.iam.principals import (
    Principals,
    principals_from,
    valid_aws_principal,
    valid_service_principal,
)

KINDS = ("identity", "managed", "trust", "resource")
VERSIONS = ("2008-10-17", "2012-10-17")
TOP_LEVEL = frozenset({"Version", "Id", "Statement"})
STATEMENT_FIELDS = frozenset({"Sid", "Effect", "Action", "NotAction", "Resource",
                              "NotResource", "Principal", "NotPrincipal", "Condition"})
PRINCIPAL_KINDS = frozenset({"AWS", "Service", "Federated", "CanonicalUser"})
TRUST_ACTIONS = frozenset({"sts:assumerole", "sts:assumerolewithsaml",
                           "sts:assumerolewithwebidentity", "sts:tagsession",
                           "sts:setsourceidentity", "sts:setcontext", "sts:*"})

SYNTAX = "Syntax errors in policy."
OLD_VERSION = "Policy document must be version 2012-10-17 or greater."
LEGACY = "The policy failed legacy parsing"
NO_PRINCIPAL_ALLOWED = "Policy document should not specify a principal."
TRUST_RESOURCE = "Has prohibited field Resource"
TRUST_ACTION = "AssumeRole policy may only specify STS AssumeRole actions."
MISSING_PRINCIPAL = "Missing required field Principal"
DUPLICATE_SID = "Statement IDs (SID) in a single policy must be unique."
SID_CHARACTERS = ("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies "
                  "the regular expression [0-9A-Za-z]*")
VENDOR_UNQUALIFIED = "Resource vendor must be fully qualified and cannot contain regexes."
IAM_PATHS = ("user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/",
             "server-certificate/", "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/",
             "report/", "access-report/")
PARTITIONS = frozenset({"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e",
                        "aws-iso-f", "aws-eusc"})
NO_ACTIONS = "Policy statement must contain actions."
NO_RESOURCES = "Policy statement must contain resources."
NO_VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
TWO_COLONS = "Actions/Condition can contain only one colon."
_CACHE_LIMIT = 4096  # per document, for the by-action and by-request statement caches
_SID = re.compile(r"[0-9A-Za-z]*")
_VENDOR = re.compile(r"\*|[a-zA-Z0-9\-.]+")


class MalformedPolicy(Exception):
    """IAM's MalformedPolicyDocument, with IAM's message; the IAM API maps it to its error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Statement:
    sid: str | None
    allow: bool
    actions: Patterns  # lower-cased matching
    not_action: bool
    resources: Patterns | None  # None: the statement names no resource (trust policies)
    not_resource: bool
    principals: Principals | None  # None: identity policies
    not_principal: bool
    conditions: tuple[Condition, ...]
    dynamic_resources: bool  # the Resource element has policy variables (resolved per request)

    def names_resource(self, resource: str) -> bool:
        """Whether Resource/NotResource covers `resource`, variables aside."""
        if self.resources is None:
            return True
        return self.resources.matches(resource, {}) != self.not_resource


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    kind: str
    version: str | None
    id: str | None
    statements: tuple[Statement, ...]
    text: str
    # action (lower-cased) -> the statements whose Action/NotAction covers it: filled on
    # first use, so a request looks at only the statements that can apply.
    by_action: dict[str, tuple[Statement, ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False)
    # (action, resource) -> the statements that can apply: action and resource matched, or
    # a resource with policy variables left to check per request.
    by_request: dict[tuple[str, str], tuple[Statement, ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False)

    def for_action(self, action: str) -> tuple[Statement, ...]:
        """The statements whose Action/NotAction covers `action` (matched case-insensitively)."""
        action = action.lower()
        found = self.by_action.get(action)
        if found is None:
            found = tuple(s for s in self.statements
                          if s.actions.matches(action, {}) != s.not_action)
            if len(self.by_action) >= _CACHE_LIMIT:
                self.by_action.clear()
            self.by_action[action] = found
        return found


    def for_request(self, action: str, resource: str) -> tuple[Statement, ...]:
        """The statements whose Action and Resource elements can cover this request: only
        their Principal, conditions and variable-bearing resources remain to check."""
        key = (action.lower(), resource)
        found = self.by_request.get(key)
        if found is None:
            found = tuple(s for s in self.for_action(action)
                          if s.dynamic_resources or s.names_resource(resource))
            if len(self.by_request) >= _CACHE_LIMIT:
                self.by_request.clear()
            self.by_request[key] = found
        return found


def parse_policy(text: str, *, kind: str = "identity") -> PolicyDocument:
    """Parse and validate a policy document as IAM does; MalformedPolicy with IAM's message."""
    if kind not in KINDS:
        raise ValueError(f"unknown policy kind {kind!r}")
    document = _load(text)
    statements = _statements(document)
    version = document.get("Version")
    if kind == "managed" and version != "2012-10-17":
        raise MalformedPolicy(OLD_VERSION)
    for statement in statements:
        _legacy_checks(statement)
    for statement in statements:
        _kind_checks(statement, kind)
    sids = [s["Sid"] for s in statements if s.get("Sid")]
    if kind != "resource" and not all(_SID.fullmatch(sid) for sid in sids):
        raise MalformedPolicy(SID_CHARACTERS)
    if len(sids) != len(set(sids)):
        raise MalformedPolicy(DUPLICATE_SID)
    for statement in statements:
        if not _listed(statement, "Action", "NotAction"):
            raise MalformedPolicy(NO_ACTIONS)
    if kind != "trust":
        for statement in statements:
            if not _listed(statement, "Resource", "NotResource"):
                raise MalformedPolicy(NO_RESOURCES)
    for statement in statements:
        _format_checks(statement)
    variables = version == "2012-10-17"
    compiled = tuple(_compile(statement, variables) for statement in statements)
    return PolicyDocument(kind, version, document.get("Id"), compiled, text)


def _load(text: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError, TypeError):
        raise MalformedPolicy(SYNTAX) from None
    if not isinstance(document, dict) or not set(document) <= TOP_LEVEL:
        raise MalformedPolicy(SYNTAX)
    if "Version" in document and document["Version"] not in VERSIONS:
        raise MalformedPolicy(SYNTAX)
    if "Id" in document and not isinstance(document["Id"], str):
        raise MalformedPolicy(SYNTAX)
    return document


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    raw = document.get("Statement")
    statements = [raw] if isinstance(raw, dict) else raw
    if not isinstance(statements, list) or not statements:
        raise MalformedPolicy(SYNTAX)
    for statement in statements:
        if not _well_typed(statement):
            raise MalformedPolicy(SYNTAX)
    return statements


def _strings(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(item, str) for item in value))


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


def _well_typed(statement: Any) -> bool:
    if not isinstance(statement, dict) or not set(statement) <= STATEMENT_FIELDS:
        return False
    if ("Action" in statement and "NotAction" in statement) or (
            "Resource" in statement and "NotResource" in statement) or (
            "Principal" in statement and "NotPrincipal" in statement):
        return False
    effect = statement.get("Effect")
    if not isinstance(effect, str) or effect.lower() not in ("allow", "deny"):
        return False
    if "Sid" in statement and not isinstance(statement["Sid"], str):
        return False
    for name in ("Action", "NotAction", "Resource", "NotResource"):
        if name in statement and not _strings(statement[name]):
            return False
    for name in ("Principal", "NotPrincipal"):
        if name in statement and not _principal_typed(statement[name]):
            return False
    return _condition_typed(statement.get("Condition", {}))


def _principal_typed(element: Any) -> bool:
    if element == "*":
        return True
    return (isinstance(element, dict) and bool(element) and set(element) <= PRINCIPAL_KINDS
            and all(_strings(v) for v in element.values()))


def _condition_typed(block: Any) -> bool:
    if not isinstance(block, dict):
        return False
    for operator, pairs in block.items():
        if not isinstance(pairs, dict):
            return False
        if split_operator(operator) is None and pairs:
            return False
        for value in pairs.values():
            values = value if isinstance(value, list) else [value]
            if not all(_scalar(item) for item in values):
                return False
    return True


def _legacy_checks(statement: dict[str, Any]) -> None:
    if statement["Effect"] not in ("Allow", "Deny"):
        raise MalformedPolicy(LEGACY)
    for operator, pairs in statement.get("Condition", {}).items():
        parts = split_operator(operator)
        if parts is None or not parts[0].startswith("Date"):
            continue
        for value in pairs.values():
            for item in value if isinstance(value, list) else [value]:
                if parse_date(_text(item)) is None:
                    raise MalformedPolicy(LEGACY)


def _kind_checks(statement: dict[str, Any], kind: str) -> None:
    names_principal = "Principal" in statement or "NotPrincipal" in statement
    if kind in ("identity", "managed"):
        if names_principal:
            raise MalformedPolicy(NO_PRINCIPAL_ALLOWED)
        return
    if kind == "trust":
        if "Resource" in statement or "NotResource" in statement:
            raise MalformedPolicy(TRUST_RESOURCE)
        actions = statement.get("Action", statement.get("NotAction", []))
        for action in [actions] if isinstance(actions, str) else actions:
            if action.lower() not in TRUST_ACTIONS:
                raise MalformedPolicy(TRUST_ACTION)
    if not names_principal:
        raise MalformedPolicy(MISSING_PRINCIPAL)
    element = statement.get("Principal", statement.get("NotPrincipal"))
    if isinstance(element, dict):
        for name, values in element.items():
            for value in [values] if isinstance(values, str) else values:
                if name == "AWS" and not valid_aws_principal(value):
                    raise MalformedPolicy(f'Invalid principal in policy: "AWS":"{value}"')
                if name == "Service" and not valid_service_principal(value):
                    raise MalformedPolicy(f'Invalid principal in policy: "SERVICE":"{value}"')


def _listed(statement: dict[str, Any], name: str, negated: str) -> bool:
    value = statement.get(name, statement.get(negated))
    return bool(value) if isinstance(value, list) else value is not None


def _format_checks(statement: dict[str, Any]) -> None:
    for name in ("Resource", "NotResource"):
        for resource in _as_list(statement.get(name)):
            _check_resource(resource)
    for name in ("Action", "NotAction"):
        for action in _as_list(statement.get(name)):
            if action == "*":
                continue
            parts = action.split(":")
            if len(parts) == 1:
                raise MalformedPolicy(NO_VENDOR)
            if len(parts) > 2:
                raise MalformedPolicy(TWO_COLONS)
            if not _VENDOR.fullmatch(parts[0]):
                raise MalformedPolicy(f"Vendor {parts[0]} is not valid")


def _check_resource(resource: str) -> None:
    """A Resource value: "*" or an ARN with a known partition and a plain service name."""
    if resource == "*":
        return
    if not resource.startswith("arn:"):
        raise MalformedPolicy(f'Resource {resource} must be in ARN format or "*".')
    fields = resource.split(":", 5)
    partition = fields[1]
    if partition not in PARTITIONS and "*" not in partition:
        rest = fields[2:] + ["*"] * (4 - len(fields[2:]))  # missing fields show as "*"
        shown = ":".join(rest)
        raise MalformedPolicy(
            f'Partition "{partition}" is not valid for resource "arn:{partition}:{shown}".')
    if len(fields) < 3 or not fields[2] or "*" in fields[2] or "?" in fields[2]:
        raise MalformedPolicy(VENDOR_UNQUALIFIED)
    if fields[2] == "iam" and len(fields) > 3 and fields[3]:
        raise MalformedPolicy(f"IAM resource {resource} cannot contain region information.")
    if fields[2] == "iam" and len(fields) == 6 and not (
            fields[5] == "*" or fields[5].startswith(IAM_PATHS)):
        raise MalformedPolicy('IAM resource path must either be "*" or start with '
                              + ", ".join(IAM_PATHS) + ".")


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _text(value: Any) -> str:
    """A condition value as IAM reads it: JSON true/false/numbers as their text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _compile(statement: dict[str, Any], variables: bool) -> Statement:
    not_action = "NotAction" in statement
    actions = compile_patterns(_as_list(statement.get("NotAction" if not_action else "Action")),
                               ignore_case=True, arn=False, variables=False)
    not_resource = "NotResource" in statement
    resource_list = statement.get("NotResource" if not_resource else "Resource")
    resources = None if resource_list is None else compile_patterns(
        _as_list(resource_list), ignore_case=False, arn=True, variables=variables)
    not_principal = "NotPrincipal" in statement
    element = statement.get("NotPrincipal" if not_principal else "Principal")
    principals = None if element is None else principals_from(element)
    conditions = []
    for operator, pairs in statement.get("Condition", {}).items():
        if split_operator(operator) is None:
            continue  # an unknown operator with an empty block: IAM accepts and ignores it
        for key, value in pairs.items():
            values = [_text(item) for item in (value if isinstance(value, list) else [value])]
            conditions.append(compile_condition(operator, key, values, variables))
    return Statement(statement.get("Sid"), statement["Effect"] == "Allow", actions, not_action,
                     resources, not_resource, principals, not_principal, tuple(conditions),
                     resources is not None and bool(resources.templates))
