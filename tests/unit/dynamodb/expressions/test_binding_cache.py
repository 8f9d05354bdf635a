"""The bound template cached per (expression, names): the same tree and usage as binding
the whole tree per request, for every kind of expression, and the general Binder's errors
whenever a name or value is undefined."""

from __future__ import annotations

from typing import Any

import pytest

from headwater.dynamodb.expressions import compile_update
from headwater.dynamodb.expressions.binding import Binder, bind_cached
from headwater.dynamodb.expressions.conditions import compile_condition
from headwater.dynamodb.expressions.key_conditions import compile_key_condition
from headwater.dynamodb.expressions.parser import parse
from headwater.dynamodb.expressions.projection import compile_projection
from headwater.wire.errors import ValidationException

KIND = "UpdateExpression"
CASES: list[tuple[str, dict[str, str] | None, dict[str, Any] | None]] = [
    ("SET n = :n", None, {":n": {"N": "1"}}),
    ("SET #a.b[2] = :v, c = if_not_exists(c, :z) + :v REMOVE #a.x", {"#a": "alpha"},
     {":v": {"N": "2"}, ":z": {"N": "0"}}),
    ("SET l = list_append(:l, l) ADD s :s DELETE t :s", None,
     {":l": {"L": []}, ":s": {"SS": ["a"]}}),
    ("REMOVE #x, y[1]", {"#x": "x"}, None),
]


@pytest.mark.parametrize(("text", "names", "values"), CASES)
def test_cached_binding_equals_a_full_binding(text: str, names: dict[str, str] | None,
                                              values: dict[str, Any] | None) -> None:
    binder = Binder(KIND, names, values, names_first=True)
    full = binder.bind(parse(KIND, text))
    for _ in range(2):  # the second from the cache
        bound = bind_cached(KIND, text, names, values)
        assert bound == (full, frozenset(binder.used_names), frozenset(binder.used_values))


def test_other_values_bind_into_the_same_template() -> None:
    first = bind_cached(KIND, "SET n = :n", None, {":n": {"N": "1"}})
    second = bind_cached(KIND, "SET n = :n", None, {":n": {"S": "x"}})
    assert first is not None and second is not None
    assert first[0].actions[0].value.value == {"N": "1"}
    assert second[0].actions[0].value.value == {"S": "x"}


@pytest.mark.parametrize(("text", "names", "values", "message"), [
    ("SET n = :n", None, {":m": {"N": "1"}},
     "An expression attribute value used in expression is not defined; attribute value: :n"),
    ("SET #n = :n", None, None,
     "An expression attribute name used in the document path is not defined; "
     "attribute name: #n"),
    ("SET a = :v, #n = :n", {"#m": "m"}, {":n": {"N": "1"}},
     "An expression attribute name used in the document path is not defined; "
     "attribute name: #n"),
])
def test_undefined_names_and_values_fall_back_to_aws_errors(
        text: str, names: dict[str, str] | None, values: dict[str, Any] | None,
        message: str) -> None:
    assert bind_cached(KIND, text, names, values) is None
    with pytest.raises(ValidationException) as raised:
        compile_update(text, names, values)
    assert raised.value.message == f"Invalid UpdateExpression: {message}"


OTHER_KINDS: list[tuple[str, str, dict[str, str] | None, dict[str, Any] | None]] = [
    ("ConditionExpression", "attribute_not_exists(pk)", None, None),
    ("ConditionExpression", "#s = :v AND (size(#l) > :n OR NOT contains(#l, :v))",
     {"#s": "status", "#l": "list"}, {":v": {"S": "a"}, ":n": {"N": "2"}}),
    ("FilterExpression", "a IN (:x, :y) AND b BETWEEN :x AND :y OR attribute_type(c, :t)",
     None, {":x": {"N": "1"}, ":y": {"N": "5"}, ":t": {"S": "N"}}),
    ("KeyConditionExpression", "#p = :p AND begins_with(sk, :s)", {"#p": "pk"},
     {":p": {"S": "k"}, ":s": {"S": "20"}}),
    ("ProjectionExpression", "#a.b[1], c, #a.d", {"#a": "alpha"}, None),
]


@pytest.mark.parametrize(("kind", "text", "names", "values"), OTHER_KINDS)
def test_cached_binding_equals_a_full_binding_for_every_kind(
        kind: str, text: str, names: dict[str, str] | None,
        values: dict[str, Any] | None) -> None:
    binder = Binder(kind, names, values)
    full = binder.bind(parse(kind, text))
    for _ in range(2):  # the second from the cache
        bound = bind_cached(kind, text, names, values)
        assert bound == (full, frozenset(binder.used_names), frozenset(binder.used_values))


@pytest.mark.parametrize(("compile_", "text", "names", "values", "message"), [
    (lambda t, n, v: compile_condition(t, n, v), "#a = :v", None, {":v": {"N": "1"}},
     "Invalid ConditionExpression: An expression attribute name used in the document path "
     "is not defined; attribute name: #a"),
    (lambda t, n, v: compile_condition(t, n, v, "FilterExpression"), "a = :v AND #b = :w",
     {"#b": "b"}, {":w": {"N": "1"}},
     "Invalid FilterExpression: An expression attribute value used in expression is not "
     "defined; attribute value: :v"),
    (compile_key_condition, "pk = :p", None, None,
     "Invalid KeyConditionExpression: An expression attribute value used in expression is "
     "not defined; attribute value: :p"),
    (lambda t, n, v: compile_projection(t, n), "#x, y", {"#z": "z"}, None,
     "Invalid ProjectionExpression: An expression attribute name used in the document path "
     "is not defined; attribute name: #x"),
])
def test_every_kind_reports_undefined_names_and_values_as_aws_does(
        compile_: Any, text: str, names: dict[str, str] | None,
        values: dict[str, Any] | None, message: str) -> None:
    with pytest.raises(ValidationException) as raised:
        compile_(text, names, values)
    assert raised.value.message == message
