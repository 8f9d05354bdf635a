"""ProjectionExpression on GetItem (and AttributesToGet, its legacy form)."""

from __future__ import annotations

from typing import Any

import pytest

KEY = {"pk": {"S": "k"}}
ITEM = {
    "pk": {"S": "k"},
    "a": {"S": "x"},
    "b": {"N": "1"},
    "l": {"L": [{"S": "l0"}, {"M": {"q": {"S": "deep"}, "r": {"N": "2"}}}, {"S": "l2"}]},
    "m": {"M": {"x": {"S": "mx"}, "y": {"M": {"z": {"BOOL": True}}}}},
}


@pytest.fixture
def stored(ddb: Any, table: str) -> str:
    ddb.put_item(TableName=table, Item=ITEM)
    return table


@pytest.mark.parametrize(("projection", "expected"), [
    ("a", {"a": {"S": "x"}}),
    ("a, b", {"a": {"S": "x"}, "b": {"N": "1"}}),
    ("pk", KEY),
    ("nothere", {}),
    ("a, nothere", {"a": {"S": "x"}}),
    ("m.x", {"m": {"M": {"x": {"S": "mx"}}}}),
    ("m.y.z, m.x", {"m": {"M": {"x": {"S": "mx"}, "y": {"M": {"z": {"BOOL": True}}}}}}),
    ("m.nothere", {}),
    ("l[0]", {"l": {"L": [{"S": "l0"}]}}),
    ("l[2], l[0]", {"l": {"L": [{"S": "l0"}, {"S": "l2"}]}}),
    ("l[1].q", {"l": {"L": [{"M": {"q": {"S": "deep"}}}]}}),
    ("l[7]", {}),
    ("a.b", {}),
])
def test_projection(ddb: Any, stored: str, projection: str, expected: dict[str, Any]) -> None:
    response = ddb.get_item(TableName=stored, Key=KEY, ProjectionExpression=projection)
    assert response.get("Item", {}) == expected


def test_projection_with_names(ddb: Any, stored: str) -> None:
    response = ddb.get_item(TableName=stored, Key=KEY, ProjectionExpression="#m.#x, #a",
                            ExpressionAttributeNames={"#m": "m", "#x": "x", "#a": "a"})
    assert response["Item"] == {"m": {"M": {"x": {"S": "mx"}}}, "a": {"S": "x"}}


def test_projection_of_missing_item(ddb: Any, table: str) -> None:
    assert "Item" not in ddb.get_item(TableName=table, Key=KEY, ProjectionExpression="a")


def test_attributes_to_get(ddb: Any, stored: str) -> None:
    response = ddb.get_item(TableName=stored, Key=KEY, AttributesToGet=["a", "m", "nothere"])
    assert response["Item"] == {"a": ITEM["a"], "m": ITEM["m"]}


@pytest.mark.parametrize(("projection", "message"), [
    ("a, a", "Two document paths overlap with each other; must remove or rewrite one of these "
     "paths; path one: [a], path two: [a]"),
    ("m, m.x", "Two document paths overlap with each other; must remove or rewrite one of these "
     "paths; path one: [m], path two: [m, x]"),
    ("l[0], l.a", "Two document paths conflict with each other; must remove or rewrite one of "
     "these paths; path one: [l, [0]], path two: [l, a]"),
    ("name", "Attribute name is a reserved keyword; reserved keyword: name"),
    ("#q", "An expression attribute name used in the document path is not defined; attribute "
     "name: #q"),
    ("a,", 'Syntax error; token: "<EOF>", near: ","'),
    ("", "The expression can not be empty;"),
])
def test_projection_errors(ddb: Any, stored: str, invalid: Any, projection: str,
                           message: str) -> None:
    invalid(ddb.get_item, "Invalid ProjectionExpression: " + message, TableName=stored, Key=KEY,
            ProjectionExpression=projection)


def test_projection_and_attributes_to_get_together(ddb: Any, stored: str, invalid: Any) -> None:
    invalid(ddb.get_item, "Can not use both expression and non-expression parameters in the same "
            "request: Non-expression parameters: {AttributesToGet} Expression parameters: "
            "{ProjectionExpression}", TableName=stored, Key=KEY, ProjectionExpression="a",
            AttributesToGet=["a"])


def test_duplicate_attributes_to_get(ddb: Any, stored: str, invalid: Any) -> None:
    invalid(ddb.get_item, "One or more parameter values were invalid: Duplicate value in "
            "attribute name: a", TableName=stored, Key=KEY, AttributesToGet=["a", "a"])


@pytest.mark.parametrize("projection", ["whatever(stuff)", ":a", "abort,", "a,,b", "a..b",
                                        "a[b]", "(a.b).c", "a[1", "a[-1]", "a b", "#"])
def test_projection_syntax_errors(ddb: Any, stored: str, expect_error: Any,
                                  projection: str) -> None:
    response = expect_error(ddb.get_item, "ValidationException", None, TableName=stored,
                            Key=KEY, ProjectionExpression=projection)
    assert response["Error"]["Message"].startswith(
        "Invalid ProjectionExpression: Syntax error; token: ")
