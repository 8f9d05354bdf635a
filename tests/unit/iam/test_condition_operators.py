"""iam/conditions.py: each condition operator against present, absent and multivalued keys
(IAM user guide, "Condition operators" and "Single-valued vs. multivalued context keys")."""

from __future__ import annotations

import pytest

from headwater.iam.conditions import compile_condition, parse_date, split_operator

ABSENT: list[str] = []
CASES = [
    # (operator, policy values, request values, holds)
    ("StringEquals", ["a"], ["a"], True),
    ("StringEquals", ["a"], ["A"], False),
    ("StringEquals", ["a", "b"], ["b"], True),
    ("StringEquals", ["a"], ABSENT, False),
    ("StringEquals", ["a*"], ["abc"], False),  # no wildcards in Equals
    ("StringNotEquals", ["a"], ["b"], True),
    ("StringNotEquals", ["a"], ["a"], False),
    ("StringNotEquals", ["a"], ABSENT, True),  # a negated operator holds when the key is absent
    ("StringNotEquals", ["a"], ["a", "b"], False),  # negation of "any value matches"
    ("StringEqualsIgnoreCase", ["Alice"], ["ALICE"], True),
    ("StringNotEqualsIgnoreCase", ["Alice"], ["alice"], False),
    ("StringLike", ["a*c"], ["abbbc"], True),
    ("StringLike", ["a?c"], ["abc"], True),
    ("StringLike", ["a?c"], ["abbc"], False),
    ("StringLike", ["a*"], ["b", "ab"], True),
    ("StringNotLike", ["a*"], ["b"], True),
    ("StringNotLike", ["a*"], ["abc"], False),
    ("StringNotLike", ["a*"], ABSENT, True),
    ("StringEqualsIfExists", ["a"], ABSENT, True),
    ("StringEqualsIfExists", ["a"], ["b"], False),
    ("StringEqualsIfExists", ["a"], ["a"], True),
    ("ArnLike", ["arn:aws:lambda:*:111111111111:function:*"],
     ["arn:aws:lambda:us-east-1:111111111111:function:f"], True),
    ("ArnLike", ["arn:aws:lambda:*:111111111111:function:*"],
     ["arn:aws:lambda:us-east-1:222222222222:function:f"], False),
    ("ArnEquals", ["arn:aws:iam::111111111111:role/r"], ["arn:aws:iam::111111111111:role/r"],
     True),
    ("ArnNotEquals", ["arn:aws:iam::111111111111:role/r"], ABSENT, True),
    ("ArnNotLike", ["arn:aws:sqs:*"], ["arn:aws:sqs:us-east-1:111111111111:q"], False),
    ("NumericEquals", ["10"], ["10.0"], True),
    ("NumericNotEquals", ["10"], ["11"], True),
    ("NumericLessThan", ["10"], ["9"], True),
    ("NumericLessThan", ["10"], ["10"], False),
    ("NumericLessThanEquals", ["10"], ["10"], True),
    ("NumericGreaterThan", ["10"], ["11"], True),
    ("NumericGreaterThanEquals", ["10"], ["9"], False),
    ("NumericLessThan", ["10"], ["ten"], False),
    ("NumericLessThan", ["10"], ABSENT, False),
    ("NumericLessThanIfExists", ["10"], ABSENT, True),
    ("DateGreaterThan", ["2020-01-01T00:00:00Z"], ["2021-06-01T12:00:00Z"], True),
    ("DateLessThan", ["2020-01-01T00:00:00Z"], ["2021-06-01T12:00:00Z"], False),
    ("DateEquals", ["2020-01-01T00:00:00Z"], ["1577836800"], True),  # epoch seconds
    ("DateNotEquals", ["2020-01-01"], ["2020-01-01T00:00:00Z"], False),
    ("Bool", ["true"], ["true"], True),
    ("Bool", ["true"], ["True"], True),
    ("Bool", ["true"], ["false"], False),
    ("Bool", ["true"], ABSENT, False),
    ("BoolIfExists", ["false"], ABSENT, True),
    ("Null", ["true"], ABSENT, True),
    ("Null", ["true"], ["x"], False),
    ("Null", ["false"], ["x"], True),
    ("Null", ["false"], ABSENT, False),
    ("IpAddress", ["10.0.0.0/8"], ["10.1.2.3"], True),
    ("IpAddress", ["10.0.0.0/8"], ["192.168.0.1"], False),
    ("NotIpAddress", ["10.0.0.0/8"], ["192.168.0.1"], True),
    ("IpAddress", ["10.0.0.0/8"], ["not-an-ip"], False),
    ("BinaryEquals", ["QmluYXJ5"], ["QmluYXJ5"], True),
    # Set qualifiers over multivalued keys.
    ("ForAllValues:StringEquals", ["a", "b"], ["a", "b"], True),
    ("ForAllValues:StringEquals", ["a", "b"], ["a", "c"], False),
    ("ForAllValues:StringEquals", ["a", "b"], ABSENT, True),  # vacuously true
    ("ForAnyValue:StringEquals", ["a", "b"], ["c", "b"], True),
    ("ForAnyValue:StringEquals", ["a", "b"], ["c"], False),
    ("ForAnyValue:StringEquals", ["a", "b"], ABSENT, False),
    ("ForAllValues:StringLike", ["user-*"], ["user-1", "user-2"], True),
    ("ForAllValues:StringNotEquals", ["secret"], ["a", "b"], True),
    ("ForAllValues:StringNotEquals", ["secret"], ["a", "secret"], False),
    ("ForAnyValue:StringNotEquals", ["secret"], ["a", "secret"], True),
    ("ForAnyValue:StringNotEquals", ["secret"], ["secret"], False),
    ("ForAnyValue:StringNotEquals", ["secret"], ABSENT, False),
    ("ForAllValues:StringEqualsIfExists", ["a"], ABSENT, True),
    ("ForAnyValue:StringEqualsIfExists", ["a"], ABSENT, True),
]


@pytest.mark.parametrize(("operator", "values", "present", "holds"), CASES)
def test_condition_operators(operator: str, values: list[str], present: list[str],
                             holds: bool) -> None:
    condition = compile_condition(operator, "Some:Key", values, variables=True)
    context = {"some:key": present} if present else {}
    assert condition.holds(context) is holds


def test_condition_keys_are_case_insensitive() -> None:
    condition = compile_condition("StringEquals", "AWS:UserName", ["alice"], variables=True)
    assert condition.key == "aws:username"
    assert condition.holds({"aws:username": ["alice"]})


@pytest.mark.parametrize(("value", "context", "holds"), [
    ("${aws:username}", {"aws:username": ["alice"], "k": ["alice"]}, True),
    ("${aws:username}", {"aws:username": ["bob"], "k": ["alice"]}, False),
    ("${aws:username, 'alice'}", {"k": ["alice"]}, True),  # the default
    ("${aws:username}", {"k": ["alice"]}, False),  # no value, no default: nothing matches
    ("a${*}b", {"k": ["a*b"]}, True),  # ${*}: a literal star
])
def test_policy_variables_in_string_conditions(value: str, context: dict[str, list[str]],
                                               holds: bool) -> None:
    assert compile_condition("StringEquals", "k", [value], variables=True).holds(context) is holds


def test_variables_are_literal_text_under_version_2008() -> None:
    condition = compile_condition("StringEquals", "k", ["${aws:username}"], variables=False)
    assert condition.holds({"k": ["${aws:username}"], "aws:username": ["x"]})


@pytest.mark.parametrize(("name", "parts"), [
    ("StringEquals", ("StringEquals", None, False)),
    ("ForAllValues:StringLike", ("StringLike", "all", False)),
    ("ForAnyValue:ArnLikeIfExists", ("ArnLike", "any", True)),
    ("Null", ("Null", None, False)),
    ("NullIfExists", None),
    ("StringEqualz", None),
    ("ForSomeValues:StringEquals", None),
])
def test_split_operator(name: str, parts: tuple[str, str | None, bool] | None) -> None:
    assert split_operator(name) == parts


@pytest.mark.parametrize(("text", "epoch"), [
    ("2020-01-01T00:00:00Z", 1577836800.0),
    ("2020-01-01T01:00:00+01:00", 1577836800.0),
    ("2020-01-01", 1577836800.0),
    ("1577836800", 1577836800.0),
    ("yesterday", None),
])
def test_parse_date(text: str, epoch: float | None) -> None:
    assert parse_date(text) == epoch
