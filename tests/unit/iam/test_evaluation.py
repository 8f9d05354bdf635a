"""iam/evaluation.py: IAM's evaluation rules as a table (explicit Deny, default deny,
Action/NotAction, Resource/NotResource, conditions, resource policies in one account and
across accounts, trust policies), properties that hold whatever the policy, and IAM's
denial messages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headwater.iam.evaluation import (
    AuthzRequest,
    Decision,
    Outcome,
    assume_role_outcome,
    can_assume,
    denial_message,
    evaluate,
)
from headwater.iam.policy_documents import PolicyDocument, parse_policy

A, B = "111111111111", "222222222222"
ALICE = f"arn:aws:iam::{A}:user/alice"
SESSION = f"arn:aws:sts::{A}:assumed-role/worker/fn"
OUTSIDER = f"arn:aws:iam::{B}:user/eve"
TABLE = f"arn:aws:dynamodb:us-east-1:{A}:table/Orders"
INDEX = f"{TABLE}/index/ByDate"
OTHER_TABLE = f"arn:aws:dynamodb:us-east-1:{A}:table/Secrets"


def policy(*statements: dict[str, Any], kind: str = "identity") -> PolicyDocument:
    return parse_policy(json.dumps({"Version": "2012-10-17", "Statement": list(statements)}),
                        kind=kind)


def allow(action: Any = "dynamodb:*", resource: Any = "*", **more: Any) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Action": action, "Resource": resource, **more}
    return {key: value for key, value in statement.items() if value is not None}


def deny(action: Any = "dynamodb:*", resource: Any = "*", **more: Any) -> dict[str, Any]:
    return allow(action, resource, **more) | {"Effect": "Deny"}


def request(action: str = "dynamodb:PutItem", resource: str = TABLE, who: str = ALICE,
            **context: list[str]) -> AuthzRequest:
    account = who.split(":")[4]
    return AuthzRequest(who, account, action, resource,
                        {k.replace("__", ":").lower(): v for k, v in context.items()})


ALLOW_ = Outcome(Decision.ALLOW, None)
IMPLICIT = Outcome(Decision.IMPLICIT_DENY, "identity-based")
EXPLICIT = Outcome(Decision.EXPLICIT_DENY, "identity-based")

IDENTITY_RULES = [
    # (case, statements, request, outcome)
    ("no policy: default deny", [], request(), IMPLICIT),
    ("allow", [allow()], request(), ALLOW_),
    ("action case-insensitive", [allow("DynamoDB:putitem")], request(), ALLOW_),
    ("action wildcard ?", [allow("dynamodb:?utItem")], request(), ALLOW_),
    ("action wildcard prefix", [allow("dynamodb:Put*")], request(), ALLOW_),
    ("other action", [allow("dynamodb:GetItem")], request(), IMPLICIT),
    ("other service", [allow("sqs:*")], request(), IMPLICIT),
    ("explicit deny beats allow", [allow(), deny("dynamodb:PutItem")], request(), EXPLICIT),
    ("deny of another action", [allow(), deny("dynamodb:DeleteItem")], request(), ALLOW_),
    ("deny alone", [deny()], request(), EXPLICIT),
    ("NotAction allows the rest", [{"Effect": "Allow", "NotAction": "dynamodb:Delete*",
                                    "Resource": "*"}], request(), ALLOW_),
    ("NotAction excludes", [{"Effect": "Allow", "NotAction": "dynamodb:Put*",
                             "Resource": "*"}], request(), IMPLICIT),
    ("Deny NotAction denies the rest", [allow("*"), {"Effect": "Deny",
                                                      "NotAction": "dynamodb:GetItem",
                                                      "Resource": "*"}], request(), EXPLICIT),
    ("resource exact", [allow(resource=TABLE)], request(), ALLOW_),
    ("resource other table", [allow(resource=OTHER_TABLE)], request(), IMPLICIT),
    ("resource wildcard in name", [allow(resource=f"arn:aws:dynamodb:*:{A}:table/Ord*")],
     request(), ALLOW_),
    ("resource is case-sensitive", [allow(resource=TABLE.lower())], request(), IMPLICIT),
    ("table ARN does not cover its index", [allow(resource=TABLE)],
     request("dynamodb:Query", INDEX), IMPLICIT),
    ("table/* covers its index", [allow(resource=f"{TABLE}/*")],
     request("dynamodb:Query", INDEX), ALLOW_),
    ("region and account wildcards", [allow(resource="arn:aws:dynamodb:us-*:*:table/Orders")],
     request(), ALLOW_),
    ("region wildcard, other account", [allow(resource=f"arn:aws:dynamodb:*:{B}:table/*")],
     request(), IMPLICIT),
    ("short ARN pattern covers the rest", [allow(resource="arn:aws:dynamodb:*")], request(),
     ALLOW_),
    ("NotResource allows others", [allow(NotResource=OTHER_TABLE, resource=None)],
     request(), ALLOW_),
    ("NotResource excludes", [allow(NotResource=TABLE, resource=None)], request(),
     IMPLICIT),
    ("Deny NotResource", [allow(), deny(NotResource=OTHER_TABLE, resource=None)],
     request(), EXPLICIT),
    ("condition met", [allow(Condition={"StringEquals": {"aws:username": "alice"}})],
     request(), ALLOW_),
    ("condition not met", [allow(Condition={"StringEquals": {"aws:username": "bob"}})],
     request(), IMPLICIT),
    ("deny unless condition", [allow(), deny(Condition={"StringNotEquals":
                                                        {"aws:username": "alice"}})],
     request(), ALLOW_),
    ("deny when condition", [allow(), deny(Condition={"StringNotEquals":
                                                      {"aws:username": "bob"}})],
     request(), EXPLICIT),
    ("all conditions must hold", [allow(Condition={
        "StringEquals": {"aws:username": "alice"},
        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["alice"]}})],
     request(dynamodb__LeadingKeys=["bob"]), IMPLICIT),
    ("LeadingKeys own partition", [allow(Condition={
        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:username}"]}})],
     request(dynamodb__LeadingKeys=["alice"]), ALLOW_),
    ("LeadingKeys other partition", [allow(Condition={
        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:username}"]}})],
     request(dynamodb__LeadingKeys=["bob"]), IMPLICIT),
    ("Attributes subset", [allow(Condition={
        "ForAllValues:StringEquals": {"dynamodb:Attributes": ["pk", "name"]}})],
     request(dynamodb__Attributes=["pk"]), ALLOW_),
    ("Attributes beyond the list", [allow(Condition={
        "ForAllValues:StringEquals": {"dynamodb:Attributes": ["pk", "name"]}})],
     request(dynamodb__Attributes=["pk", "salary"]), IMPLICIT),
    ("SourceArn matched by ArnLike", [allow(Condition={
        "ArnLike": {"aws:SourceArn": f"arn:aws:lambda:*:{A}:function:*"}})],
     request(aws__SourceArn=[f"arn:aws:lambda:us-east-1:{A}:function:f"]), ALLOW_),
    ("SourceArn absent", [allow(Condition={
        "ArnLike": {"aws:SourceArn": f"arn:aws:lambda:*:{A}:function:*"}})], request(),
     IMPLICIT),
    ("PrincipalArn of a session is its role", [allow(Condition={
        "ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{A}:role/worker"}})],
     request(who=SESSION), ALLOW_),
    ("resource variable", [allow(resource="arn:aws:dynamodb:*:*:table/${aws:username}")],
     request(resource=f"arn:aws:dynamodb:us-east-1:{A}:table/alice"), ALLOW_),
    ("resource variable, other name",
     [allow(resource="arn:aws:dynamodb:*:*:table/${aws:username}")], request(), IMPLICIT),
    ("variable without value matches nothing",
     [allow(resource="arn:aws:dynamodb:*:*:table/${aws:username}")],
     request(who=SESSION, resource="arn:aws:dynamodb:us-east-1:1:table/"), IMPLICIT),
    ("root needs no identity policy", [], request(who=f"arn:aws:iam::{A}:root"), ALLOW_),
]


@pytest.mark.parametrize(("statements", "req", "outcome"),
                         [case[1:] for case in IDENTITY_RULES],
                         ids=[case[0] for case in IDENTITY_RULES])
def test_identity_policy_rules(statements: list[dict[str, Any]], req: AuthzRequest,
                               outcome: Outcome) -> None:
    policies = [policy(*statements)] if statements else []
    assert evaluate(req, policies) == outcome


def test_policies_combine_across_documents() -> None:
    """Inline and attached policies are one set: an Allow in one, a Deny in another."""
    assert evaluate(request(), [policy(allow("dynamodb:GetItem")), policy(allow())]) == ALLOW_
    assert evaluate(request(), [policy(allow()), policy(deny("dynamodb:Put*"))]) == EXPLICIT


def resource_policy(*statements: dict[str, Any]) -> PolicyDocument:
    return policy(*statements, kind="resource")


RESOURCE_DENY = Outcome(Decision.EXPLICIT_DENY, "resource-based")
NO_RESOURCE = Outcome(Decision.IMPLICIT_DENY, "resource-based")
RESOURCE_RULES = [
    # (case, identity statements, resource statements, caller, resource account, outcome)
    ("same account: resource policy alone allows", [],
     [allow(Principal={"AWS": ALICE})], ALICE, A, ALLOW_),
    ("same account: identity alone allows", [allow()], [], ALICE, A, ALLOW_),
    ("same account: naming the account delegates", [],
     [allow(Principal={"AWS": A})], ALICE, A, IMPLICIT),
    ("same account: everyone", [], [allow(Principal="*")], ALICE, A, ALLOW_),
    ("same account: role covers its session", [],
     [allow(Principal={"AWS": f"arn:aws:iam::{A}:role/service/worker"})], SESSION, A, ALLOW_),
    ("same account: another principal named", [],
     [allow(Principal={"AWS": f"arn:aws:iam::{A}:user/bob"})], ALICE, A, IMPLICIT),
    ("resource deny beats identity allow", [allow()],
     [deny(Principal={"AWS": ALICE})], ALICE, A, RESOURCE_DENY),
    ("identity deny beats resource allow", [deny()],
     [allow(Principal="*")], ALICE, A, EXPLICIT),
    ("NotPrincipal deny spares the named", [allow()],
     [deny(NotPrincipal={"AWS": ALICE})], ALICE, A, ALLOW_),
    ("NotPrincipal deny hits the others", [allow()],
     [deny(NotPrincipal={"AWS": f"arn:aws:iam::{A}:user/bob"})], ALICE, A, RESOURCE_DENY),
    ("cross account: both allow", [allow()], [allow(Principal={"AWS": B})], OUTSIDER, A,
     ALLOW_),
    ("cross account: identity only", [allow()], [], OUTSIDER, A, NO_RESOURCE),
    ("cross account: resource only", [], [allow(Principal={"AWS": OUTSIDER})], OUTSIDER, A,
     IMPLICIT),
    ("cross account: other account named", [allow()],
     [allow(Principal={"AWS": "333333333333"})], OUTSIDER, A, NO_RESOURCE),
    ("cross account: root with resource allow", [],
     [allow(Principal={"AWS": f"arn:aws:iam::{B}:root"})], f"arn:aws:iam::{B}:root", A,
     ALLOW_),
]


@pytest.mark.parametrize(("identity", "resource", "who", "owner", "outcome"),
                         [case[1:] for case in RESOURCE_RULES],
                         ids=[case[0] for case in RESOURCE_RULES])
def test_resource_policy_rules(identity: list[dict[str, Any]], resource: list[dict[str, Any]],
                               who: str, owner: str, outcome: Outcome) -> None:
    identity_policies = [policy(*identity)] if identity else []
    document = resource_policy(*resource) if resource else None
    assert evaluate(request(who=who), identity_policies, document, owner) == outcome


LAMBDA_TRUST = policy({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                       "Action": "sts:AssumeRole"}, kind="trust")
ACCOUNT_TRUST = policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"},
                        "Action": "sts:AssumeRole"}, kind="trust")
USER_TRUST = policy({"Effect": "Allow", "Principal": {"AWS": ALICE},
                     "Action": "sts:AssumeRole"}, kind="trust")


@pytest.mark.parametrize(("trust", "principal", "kind", "expected"), [
    (LAMBDA_TRUST, "lambda.amazonaws.com", "Service", True),
    (LAMBDA_TRUST, "ec2.amazonaws.com", "Service", False),
    (LAMBDA_TRUST, ALICE, "AWS", False),
    (ACCOUNT_TRUST, ALICE, "AWS", True),
    (ACCOUNT_TRUST, OUTSIDER, "AWS", False),
    (USER_TRUST, ALICE, "AWS", True),
    (policy({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
            {"Effect": "Deny", "Principal": {"Service": "lambda.amazonaws.com"},
             "Action": "sts:*"}, kind="trust"), "lambda.amazonaws.com", "Service", False),
])
def test_can_assume(trust: PolicyDocument, principal: str, kind: str, expected: bool) -> None:
    assert can_assume(trust, principal, kind) is expected


ROLE = f"arn:aws:iam::{A}:role/worker"


@pytest.mark.parametrize(("trust", "identity", "who", "outcome"), [
    (USER_TRUST, [], ALICE, ALLOW_),  # named directly: trust alone is enough
    (ACCOUNT_TRUST, [], ALICE, IMPLICIT),  # the account: identity must allow too
    (ACCOUNT_TRUST, [allow("sts:AssumeRole", ROLE)], ALICE, ALLOW_),
    (LAMBDA_TRUST, [allow("sts:AssumeRole", ROLE)], ALICE, NO_RESOURCE),
    (USER_TRUST, [deny("sts:*")], ALICE, EXPLICIT),
])
def test_assume_role_outcome(trust: PolicyDocument, identity: list[dict[str, Any]], who: str,
                             outcome: Outcome) -> None:
    req = request("sts:AssumeRole", ROLE, who)
    assert assume_role_outcome(req, [policy(*identity)] if identity else [], trust) == outcome


@pytest.mark.parametrize(("outcome", "message"), [
    (IMPLICIT, f"User: {SESSION} is not authorized to perform: dynamodb:PutItem on resource: "
               f"{TABLE} because no identity-based policy allows the dynamodb:PutItem action"),
    (EXPLICIT, f"User: {SESSION} is not authorized to perform: dynamodb:PutItem on resource: "
               f"{TABLE} with an explicit deny in an identity-based policy"),
    (NO_RESOURCE, f"User: {SESSION} is not authorized to perform: dynamodb:PutItem on "
                  f"resource: {TABLE} because no resource-based policy allows the "
                  "dynamodb:PutItem action"),
    (RESOURCE_DENY, f"User: {SESSION} is not authorized to perform: dynamodb:PutItem on "
                    f"resource: {TABLE} with an explicit deny in a resource-based policy"),
])
def test_denial_messages(outcome: Outcome, message: str) -> None:
    assert denial_message(SESSION, "dynamodb:PutItem", TABLE, outcome) == message


def test_an_allowed_request_has_no_denial_message() -> None:
    with pytest.raises(ValueError):
        denial_message(ALICE, "dynamodb:PutItem", TABLE, ALLOW_)


# Properties over generated policies -----------------------------------------------------

ACTIONS = ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:DeleteItem",
           "sqs:SendMessage", "sns:Publish", "lambda:InvokeFunction", "logs:PutLogEvents"]
ACTION_PATTERNS = st.sampled_from(ACTIONS + ["dynamodb:*", "*", "dynamodb:*Item", "*:Send*",
                                             "lambda:Invoke?unction", "DYNAMODB:getitem"])
RESOURCES = [TABLE, OTHER_TABLE, INDEX, "arn:aws:sqs:us-east-1:111111111111:q"]
RESOURCE_PATTERNS = st.sampled_from(RESOURCES + ["*", f"{TABLE}*", "arn:aws:dynamodb:*:*:*",
                                                 "arn:aws:sqs:*"])
CONDITIONS = st.sampled_from([
    None,
    {"StringEquals": {"aws:username": "alice"}},
    {"StringNotLike": {"aws:username": "b*"}},
    {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["alice", "x"]}},
    {"ForAnyValue:StringLike": {"dynamodb:Attributes": ["s*"]}},
    {"Null": {"aws:SourceArn": "true"}},
    {"NumericLessThanIfExists": {"dynamodb:limit": "5"}},
])


@st.composite
def statements(draw: st.DrawFn) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Deny"]))}
    key = "NotAction" if draw(st.booleans()) else "Action"
    statement[key] = draw(st.lists(ACTION_PATTERNS, min_size=1, max_size=3))
    key = "NotResource" if draw(st.integers(0, 4)) == 0 else "Resource"
    statement[key] = draw(st.lists(RESOURCE_PATTERNS, min_size=1, max_size=2))
    condition = draw(CONDITIONS)
    if condition is not None:
        statement["Condition"] = condition
    return statement


REQUESTS = st.builds(
    lambda action, resource, who, keys, attributes: AuthzRequest(
        who, who.split(":")[4], action, resource,
        {k: v for k, v in {"dynamodb:leadingkeys": keys, "dynamodb:attributes": attributes
                           }.items() if v}),
    st.sampled_from(ACTIONS), st.sampled_from(RESOURCES),
    st.sampled_from([ALICE, SESSION, f"arn:aws:iam::{A}:user/bob"]),
    st.lists(st.sampled_from(["alice", "bob", "x"]), max_size=2),
    st.lists(st.sampled_from(["pk", "sk", "secret"]), max_size=2))


@settings(max_examples=300)
@given(st.lists(statements(), min_size=1, max_size=6), REQUESTS)
def test_an_applicable_deny_always_wins(found: list[dict[str, Any]],
                                        req: AuthzRequest) -> None:
    """Add an unconditional Deny of the action anywhere: the answer is an explicit deny."""
    denial = {"Effect": "Deny", "Action": req.action, "Resource": "*"}
    for position in (0, len(found)):
        mixed = found[:position] + [denial] + found[position:]
        everything = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
        outcome = evaluate(req, [policy(*mixed), policy(*everything)],
                           resource_policy(allow("*", Principal="*")), req.principal_account)
        assert outcome == EXPLICIT


@settings(max_examples=300)
@given(st.lists(statements(), min_size=1, max_size=6), REQUESTS, st.randoms())
def test_statement_order_and_policy_split_do_not_matter(found: list[dict[str, Any]],
                                                        req: AuthzRequest, rnd: Any) -> None:
    expected = evaluate(req, [policy(*found)])
    shuffled = list(found)
    rnd.shuffle(shuffled)
    assert evaluate(req, [policy(*shuffled)]) == expected
    assert evaluate(req, [policy(s) for s in shuffled]) == expected


@settings(max_examples=300)
@given(st.lists(ACTION_PATTERNS, min_size=1, max_size=4))
def test_action_and_not_action_split_the_universe(patterns: list[str]) -> None:
    """Over every action, an Allow of Action=P and an Allow of NotAction=P allow exactly
    complementary sets."""
    with_action = policy(allow(patterns))
    with_not_action = policy({"Effect": "Allow", "NotAction": patterns, "Resource": "*"})
    for action in ACTIONS:
        req = request(action)
        first = evaluate(req, [with_action]).decision is Decision.ALLOW
        second = evaluate(req, [with_not_action]).decision is Decision.ALLOW
        assert first != second
