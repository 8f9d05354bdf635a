"""iam/policy_documents.py: IAM's MalformedPolicyDocument messages, one case per line, and a
parser that never fails any other way."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headwater.iam.policy_documents import MalformedPolicy, parse_policy

V = "2012-10-17"
ALLOW = {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}
TRUST = {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
         "Action": "sts:AssumeRole"}


def doc(*statements: dict[str, Any], version: str | None = V) -> str:
    body: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        body["Version"] = version
    return json.dumps(body)


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    statement = {**base, **changes}
    return {k: v for k, v in statement.items() if v is not None}


MALFORMED = [
    # (text, kind, IAM's message)
    ("not json", "identity", "Syntax errors in policy."),
    ("[]", "identity", "Syntax errors in policy."),
    ('{"Version": "2012-10-17"}', "identity", "Syntax errors in policy."),
    (doc(), "identity", "Syntax errors in policy."),
    (doc(ALLOW, version="2013-01-01"), "identity", "Syntax errors in policy."),
    (json.dumps({"Version": V, "Statement": [ALLOW], "Extra": 1}), "identity",
     "Syntax errors in policy."),
    (doc(with_(ALLOW, Actions="s3:*")), "identity", "Syntax errors in policy."),
    (doc(with_(ALLOW, Effect="Permit")), "identity", "Syntax errors in policy."),
    (doc(with_(ALLOW, Effect=None)), "identity", "Syntax errors in policy."),
    (doc(with_(ALLOW, NotAction="s3:*")), "identity", "Syntax errors in policy."),
    (doc(with_(ALLOW, NotResource="*")), "identity", "Syntax errors in policy."),
    (doc(with_(ALLOW, Action={"a": "b"})), "identity", "Syntax errors in policy."),
    (doc(with_(ALLOW, Resource=[1])), "identity", "Syntax errors in policy."),
    (doc(with_(ALLOW, Condition={"StringEqualz": {"aws:username": "x"}})), "identity",
     "Syntax errors in policy."),
    (doc(with_(ALLOW, Condition={"StringEquals": "x"})), "identity",
     "Syntax errors in policy."),
    (doc(with_(ALLOW, Condition={"NullIfExists": {"aws:username": "true"}})), "identity",
     "Syntax errors in policy."),
    (doc(with_(ALLOW, Sid=3)), "identity", "Syntax errors in policy."),
    (doc(ALLOW, version=None), "managed",
     "Policy document must be version 2012-10-17 or greater."),
    (doc(ALLOW, version="2008-10-17"), "managed",
     "Policy document must be version 2012-10-17 or greater."),
    (doc(with_(ALLOW, Effect="allow")), "identity", "The policy failed legacy parsing"),
    (doc(with_(ALLOW, Condition={"DateLessThan": {"aws:CurrentTime": "tomorrow"}})),
     "identity", "The policy failed legacy parsing"),
    (doc(with_(ALLOW, Principal="*")), "identity",
     "Policy document should not specify a principal."),
    (doc(with_(ALLOW, NotPrincipal={"AWS": "123456789012"})), "managed",
     "Policy document should not specify a principal."),
    (doc(with_(TRUST, Resource="*")), "trust", "Has prohibited field Resource"),
    (doc(with_(TRUST, Action="sts:GetCallerIdentity")), "trust",
     "AssumeRole policy may only specify STS AssumeRole actions."),
    (doc(with_(TRUST, Principal=None)), "trust", "Missing required field Principal"),
    (doc(ALLOW), "resource", "Missing required field Principal"),
    (doc(with_(TRUST, Principal={"AWS": "nobody"})), "trust",
     'Invalid principal in policy: "AWS":"nobody"'),
    (doc(with_(TRUST, Principal={"Service": "lambda"})), "trust",
     'Invalid principal in policy: "SERVICE":"lambda"'),
    (doc(with_(ALLOW, Sid="a"), with_(ALLOW, Sid="a")), "identity",
     "Statement IDs (SID) in a single policy must be unique."),
    (doc(with_(ALLOW, Sid="no-dashes")), "identity",
     "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular "
     "expression [0-9A-Za-z]*"),
    (doc(with_(TRUST, Sid="with space")), "trust",
     "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular "
     "expression [0-9A-Za-z]*"),
    (doc(with_(ALLOW, Action=None)), "identity", "Policy statement must contain actions."),
    (doc(with_(ALLOW, Action=[])), "identity", "Policy statement must contain actions."),
    (doc(with_(ALLOW, Resource=None)), "identity", "Policy statement must contain resources."),
    (doc(with_(ALLOW, Resource=[])), "identity", "Policy statement must contain resources."),
    (doc(with_(ALLOW, Resource="table/T")), "identity",
     'Resource table/T must be in ARN format or "*".'),
    (doc(with_(ALLOW, Resource="arn:aw:s3:::b")), "identity",
     'Partition "aw" is not valid for resource "arn:aw:s3:::b".'),
    (doc(with_(ALLOW, Resource="arn:aws:*:us-east-1:1:x")), "identity",
     "Resource vendor must be fully qualified and cannot contain regexes."),
    (doc(with_(ALLOW, Resource="arn:aws:iam:us-east-1:111111111111:role/r")), "identity",
     "IAM resource arn:aws:iam:us-east-1:111111111111:role/r cannot contain region "
     "information."),
    (doc(with_(ALLOW, Resource="arn:aws:iam::111111111111:robot/r")), "identity",
     'IAM resource path must either be "*" or start with user/, federated-user/, role/, '
     "group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, "
     "saml-provider/, oidc-provider/, report/, access-report/."),
    (doc(with_(ALLOW, Action="GetItem")), "identity",
     "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
    (doc(with_(ALLOW, Action="dynamodb:Get:Item")), "identity",
     "Actions/Condition can contain only one colon."),
    (doc(with_(ALLOW, Action="dyna mo:GetItem")), "identity", "Vendor dyna mo is not valid"),
    (doc(with_(ALLOW, Action="dyn*:GetItem")), "identity", "Vendor dyn* is not valid"),
]


@pytest.mark.parametrize(("text", "kind", "message"), MALFORMED)
def test_malformed_documents_get_iams_message(text: str, kind: str, message: str) -> None:
    with pytest.raises(MalformedPolicy) as raised:
        parse_policy(text, kind=kind)
    assert raised.value.message == message


VALID = [
    (doc(ALLOW), "identity"),
    (doc(ALLOW), "managed"),
    (doc(ALLOW, version=None), "identity"),  # inline policies may still omit Version
    (doc(ALLOW, version="2008-10-17"), "identity"),
    (json.dumps({"Version": V, "Statement": ALLOW}), "identity"),  # one statement, no list
    (doc(with_(ALLOW, Effect="Deny", Action=None, NotAction=["s3:*", "iam:*"])), "identity"),
    (doc(with_(ALLOW, Resource=None, NotResource="arn:aws:dynamodb:*:*:table/secret"))
     , "identity"),
    (doc(with_(ALLOW, Condition={"Bool": {"aws:SecureTransport": True},
                                 "NumericLessThan": {"dynamodb:Limit": 10},
                                 "ForAllValues:StringLike": {"dynamodb:Attributes": ["a*"]},
                                 "StringEqualsIfExists": {"dynamodb:Select": "COUNT"},
                                 "DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}
                                 })), "identity"),
    (doc(with_(ALLOW, Sid="")), "identity"),
    (doc(TRUST), "trust"),
    (doc(with_(TRUST, Principal={"AWS": ["123456789012", "arn:aws:iam::123456789012:role/r",
                                         "arn:aws:sts::123456789012:assumed-role/r/s"]})),
     "trust"),
    (doc(with_(TRUST, Principal="*", Action=["sts:AssumeRole", "sts:TagSession"])), "trust"),
    (doc(with_(ALLOW, Principal={"AWS": "*"})), "resource"),
    (doc(with_(ALLOW, Principal={"AWS": "*"}, Sid="Allow everyone")), "resource"),
    (doc(with_(ALLOW, Resource=["arn:aws:iam::111111111111:role/*", "arn:aws-cn:s3:::b",
                                "arn:aws:dynamodb:*:*:table/*"])), "identity"),
    (doc(with_(ALLOW, Action="*")), "identity"),
]


@pytest.mark.parametrize(("text", "kind"), VALID)
def test_valid_documents_parse(text: str, kind: str) -> None:
    policy = parse_policy(text, kind=kind)
    assert policy.kind == kind and policy.text == text and policy.statements


def test_statements_are_compiled() -> None:
    policy = parse_policy(doc(with_(ALLOW, Sid="S1", Effect="Deny",
                                    Condition={"StringLike": {"aws:PrincipalArn": "x*"}})))
    (statement,) = policy.statements
    assert statement.sid == "S1" and not statement.allow
    assert statement.conditions[0].key == "aws:principalarn"


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_policy(doc(ALLOW), kind="session")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    | st.sampled_from(["Allow", "Deny", "*", V, "s3:*", "arn:aws:s3:::b", "AWS", "Service"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["Version", "Statement", "Effect", "Action", "NotAction", "Resource",
                         "NotResource", "Principal", "NotPrincipal", "Condition", "Sid", "Id",
                         "StringLike", "ForAllValues:StringEquals", "Null", "DateEquals",
                         "AWS", "Service", "aws:username"]) | st.text(max_size=5),
        children, max_size=5),
    max_leaves=25)


@settings(max_examples=400)
@given(JSON, st.sampled_from(["identity", "managed", "trust", "resource"]))
def test_any_json_parses_or_is_malformed(value: Any, kind: str) -> None:
    try:
        parse_policy(json.dumps(value), kind=kind)
    except MalformedPolicy as error:
        assert error.message


@given(st.text(max_size=40))
def test_any_text_parses_or_is_malformed(text: str) -> None:
    try:
        parse_policy(text)
    except MalformedPolicy:
        pass
