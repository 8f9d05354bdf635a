"""The FilterCriteria pattern language against DynamoDB stream records in Lambda's event form."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from headwater.triggers.filter_patterns import (
    INVALID,
    InvalidFilterPattern,
    compile_filters,
    compile_pattern,
)

ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/Orders/stream/2026-11-27T00:00:00.000"


def record(name: str = "INSERT", new: dict[str, Any] | None = None,
           old: dict[str, Any] | None = None, ttl: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": 1795785600.0,
        "Keys": {"id": {"S": "o-1"}},
        "SequenceNumber": "100000000000000000042",
        "SizeBytes": 40,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if new is not None:
        body["NewImage"] = new
    if old is not None:
        body["OldImage"] = old
    event: dict[str, Any] = {
        "eventID": "0" * 32, "eventName": name, "eventVersion": "1.1",
        "eventSource": "aws:dynamodb", "awsRegion": "us-east-1", "dynamodb": body,
        "eventSourceARN": ARN,
    }
    if ttl:
        event["userIdentity"] = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    return event


ORDER = {"id": {"S": "o-1"}, "status": {"S": "shipped"}, "total": {"N": "250"},
         "region": {"S": "us-west-2"}, "note": {"S": ""}, "gift": {"BOOL": True},
         "tags": {"SS": ["a", "b"]}, "customer": {"M": {"tier": {"S": "Gold"}}}}
INSERT = record("INSERT", new=ORDER)
MODIFY = record("MODIFY", new=ORDER, old={"id": {"S": "o-1"}, "status": {"S": "new"}})
REMOVE = record("REMOVE", old=ORDER)
TTL_REMOVE = record("REMOVE", old=ORDER, ttl=True)

CASES = [
    # metadata keys
    ({"eventName": ["INSERT"]}, INSERT, True),
    ({"eventName": ["INSERT"]}, MODIFY, False),
    ({"eventName": ["INSERT", "MODIFY"]}, MODIFY, True),
    ({"eventSource": ["aws:dynamodb"]}, INSERT, True),
    ({"awsRegion": ["eu-west-1"]}, INSERT, False),
    ({"eventSourceARN": [{"prefix": "arn:aws:dynamodb:us-east-1"}]}, INSERT, True),
    ({"eventVersion": ["1.1"]}, INSERT, True),
    # typed DynamoDB values
    ({"dynamodb": {"NewImage": {"status": {"S": ["shipped"]}}}}, INSERT, True),
    ({"dynamodb": {"NewImage": {"status": ["shipped"]}}}, INSERT, False),
    ({"dynamodb": {"NewImage": {"status": {"S": ["pending"]}}}}, INSERT, False),
    ({"dynamodb": {"Keys": {"id": {"S": ["o-1"]}}}}, REMOVE, True),
    ({"dynamodb": {"OldImage": {"status": {"S": ["new"]}}}}, MODIFY, True),
    # prefix / suffix / equals-ignore-case
    ({"dynamodb": {"NewImage": {"region": {"S": [{"prefix": "us-"}]}}}}, INSERT, True),
    ({"dynamodb": {"NewImage": {"region": {"S": [{"prefix": "eu-"}]}}}}, INSERT, False),
    ({"dynamodb": {"NewImage": {"region": {"S": [{"suffix": "-2"}]}}}}, INSERT, True),
    ({"dynamodb": {"NewImage": {"region": {"S": [{"suffix": "-1"}]}}}}, INSERT, False),
    ({"dynamodb": {"NewImage": {"customer": {"M": {"tier": {"S": [
        {"equals-ignore-case": "gold"}]}}}}}}, INSERT, True),
    ({"dynamodb": {"NewImage": {"status": {"S": [{"equals-ignore-case": "SHIPPED"}]}}}}, INSERT, True),
    # anything-but
    ({"eventName": [{"anything-but": "REMOVE"}]}, INSERT, True),
    ({"eventName": [{"anything-but": "REMOVE"}]}, REMOVE, False),
    ({"eventName": [{"anything-but": ["REMOVE", "MODIFY"]}]}, MODIFY, False),
    ({"dynamodb": {"NewImage": {"region": {"S": [{"anything-but": {"prefix": "eu-"}}]}}}}, INSERT, True),
    ({"dynamodb": {"NewImage": {"region": {"S": [{"anything-but": {"prefix": "us-"}}]}}}}, INSERT, False),
    ({"dynamodb": {"NewImage": {"region": {"S": [{"anything-but": {"suffix": "-2"}}]}}}}, INSERT, False),
    ({"dynamodb": {"NewImage": {"missing": {"S": [{"anything-but": "x"}]}}}}, INSERT, False),
    # numeric: never on N strings, fine on real numbers
    ({"dynamodb": {"NewImage": {"total": {"N": [{"numeric": [">", 100]}]}}}}, INSERT, False),
    ({"dynamodb": {"SizeBytes": [{"numeric": [">", 10, "<=", 40]}]}}, INSERT, True),
    ({"dynamodb": {"SizeBytes": [{"numeric": ["=", 41]}]}}, INSERT, False),
    ({"dynamodb": {"ApproximateCreationDateTime": [{"numeric": [">=", 1795785600]}]}}, INSERT, True),
    ({"dynamodb": {"SizeBytes": [40]}}, INSERT, True),
    ({"dynamodb": {"SizeBytes": ["40"]}}, INSERT, False),
    # exists
    ({"dynamodb": {"NewImage": {"gift": {"BOOL": [{"exists": True}]}}}}, INSERT, True),
    ({"dynamodb": {"NewImage": {"coupon": {"S": [{"exists": False}]}}}}, INSERT, True),
    ({"dynamodb": {"NewImage": {"coupon": {"S": [{"exists": True}]}}}}, INSERT, False),
    ({"dynamodb": {"NewImage": {"status": [{"exists": False}]}}}, INSERT, True),
    ({"dynamodb": {"NewImage": [{"exists": False}]}}, REMOVE, True),
    ({"dynamodb": {"OldImage": {"status": {"S": [{"exists": True}]}}}}, INSERT, False),
    # booleans, empty string, null
    ({"dynamodb": {"NewImage": {"gift": {"BOOL": [True]}}}}, INSERT, True),
    ({"dynamodb": {"NewImage": {"gift": {"BOOL": [False]}}}}, INSERT, False),
    ({"dynamodb": {"NewImage": {"note": {"S": [""]}}}}, INSERT, True),
    ({"dynamodb": {"NewImage": {"note": {"S": [None]}}}}, INSERT, False),
    ({"userIdentity": [None]}, INSERT, False),
    # sets: any element
    ({"dynamodb": {"NewImage": {"tags": {"SS": ["b"]}}}}, INSERT, True),
    ({"dynamodb": {"NewImage": {"tags": {"SS": ["c"]}}}}, INSERT, False),
    # TTL deletes
    ({"userIdentity": {"type": ["Service"], "principalId": ["dynamodb.amazonaws.com"]}}, TTL_REMOVE, True),
    ({"userIdentity": {"type": ["Service"], "principalId": ["dynamodb.amazonaws.com"]}}, REMOVE, False),
    ({"eventName": ["REMOVE"], "userIdentity": {"type": [{"exists": False}]}}, REMOVE, True),
    ({"eventName": ["REMOVE"], "userIdentity": {"type": [{"exists": False}]}}, TTL_REMOVE, False),
    # AND across fields, $or, wildcard
    ({"eventName": ["INSERT"], "dynamodb": {"NewImage": {"status": {"S": ["shipped"]}}}}, INSERT, True),
    ({"eventName": ["MODIFY"], "dynamodb": {"NewImage": {"status": {"S": ["shipped"]}}}}, INSERT, False),
    ({"$or": [{"eventName": ["REMOVE"]}, {"dynamodb": {"NewImage": {"gift": {"BOOL": [True]}}}}]}, INSERT, True),
    ({"$or": [{"eventName": ["REMOVE"]}, {"awsRegion": ["eu-west-1"]}]}, INSERT, False),
    ({"dynamodb": {"NewImage": {"region": {"S": [{"wildcard": "us-*-2"}]}}}}, INSERT, True),
    ({"dynamodb": {"NewImage": {"region": {"S": [{"wildcard": "eu-*"}]}}}}, INSERT, False),
]


@pytest.mark.parametrize(("pattern", "event", "expected"), CASES)
def test_pattern_matches_dynamodb_record(pattern: dict[str, Any], event: dict[str, Any],
                                         expected: bool) -> None:
    assert compile_pattern(orjson.dumps(pattern).decode())(event) is expected


INVALID_PATTERNS = [
    "not json", "[]", '"x"', "42", '{"eventName": "INSERT"}', '{"eventName": []}',
    '{"eventName": [{"prefix": 1}]}', '{"eventName": [{"unknown": "x"}]}',
    '{"a": [{"numeric": [">"]}]}', '{"a": [{"numeric": ["!", 1]}]}',
    '{"a": [{"numeric": ["<", 5, ">", 1]}]}', '{"a": [{"exists": "yes"}]}',
    '{"a": [{"anything-but": []}]}', '{"a": [{"anything-but": {"numeric": [">", 1]}}]}',
    '{"$or": [{"a": ["x"]}]}', '{"a": {}}', '{"a": [{"prefix": "x", "suffix": "y"}]}',
]


@pytest.mark.parametrize("text", INVALID_PATTERNS)
def test_invalid_pattern_is_rejected_with_aws_message(text: str) -> None:
    with pytest.raises(InvalidFilterPattern) as raised:
        compile_pattern(text)
    assert raised.value.message == INVALID
    assert raised.value.code == "InvalidParameterValueException"


def test_filters_are_ored() -> None:
    matcher = compile_filters([{"Pattern": '{"eventName": ["REMOVE"]}'},
                               {"Pattern": '{"eventName": ["INSERT"]}'}])
    assert matcher is not None
    assert matcher(INSERT) and matcher(REMOVE) and not matcher(MODIFY)


def test_no_filters_means_no_matcher() -> None:
    assert compile_filters([]) is None


@given(st.text(max_size=60))
def test_random_text_is_valid_or_invalid_pattern_never_a_crash(text: str) -> None:
    try:
        matcher = compile_pattern(text)
    except InvalidFilterPattern:
        return
    matcher(INSERT)


leaf = st.one_of(st.text(max_size=5), st.integers(-5, 5), st.booleans(), st.none())


@given(st.dictionaries(st.sampled_from(["eventName", "awsRegion", "x"]),
                       st.lists(leaf, min_size=1, max_size=3), min_size=1))
def test_literal_patterns_match_exactly_the_listed_values(pattern: dict[str, list[Any]]) -> None:
    matcher = compile_pattern(orjson.dumps(pattern).decode())
    expected = all(
        key in INSERT and any(type(v) is type(INSERT[key]) and v == INSERT[key] for v in values)
        for key, values in pattern.items()
    )
    assert matcher(INSERT) is expected
