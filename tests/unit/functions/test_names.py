"""functions/names.py: every form of FunctionName resolves to (account, region, name, qualifier)."""

from __future__ import annotations

import pytest

from headwater.functions.errors import InvalidParameterValueException
from headwater.functions.names import FunctionRef, function_arn, parse

ACCOUNT, REGION = "000000000000", "us-east-1"


@pytest.mark.parametrize(("given", "expected"), [
    ("fn", FunctionRef(ACCOUNT, REGION, "fn", None)),
    ("fn:live", FunctionRef(ACCOUNT, REGION, "fn", "live")),
    ("fn:$LATEST", FunctionRef(ACCOUNT, REGION, "fn", "$LATEST")),
    ("111111111111:function:fn:3", FunctionRef("111111111111", REGION, "fn", "3")),
    ("arn:aws:lambda:eu-west-1:222222222222:function:fn",
     FunctionRef("222222222222", "eu-west-1", "fn", None)),
    ("arn:aws:lambda:eu-west-1:222222222222:function:fn:7",
     FunctionRef("222222222222", "eu-west-1", "fn", "7")),
])
def test_parse_forms(given: str, expected: FunctionRef) -> None:
    assert parse(ACCOUNT, REGION, given) == expected


def test_qualifier_parameter_must_agree() -> None:
    assert parse(ACCOUNT, REGION, "fn", "2").qualifier == "2"
    assert parse(ACCOUNT, REGION, "fn:2", "2").qualifier == "2"
    with pytest.raises(InvalidParameterValueException, match="does not match"):
        parse(ACCOUNT, REGION, "fn:2", "3")


def test_invalid_name() -> None:
    with pytest.raises(InvalidParameterValueException):
        parse(ACCOUNT, REGION, "bad name!")


def test_function_arn() -> None:
    assert function_arn(REGION, ACCOUNT, "fn") == "arn:aws:lambda:us-east-1:000000000000:function:fn"
    assert function_arn(REGION, ACCOUNT, "fn", "live").endswith(":function:fn:live")
