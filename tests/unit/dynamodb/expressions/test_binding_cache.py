"""The bound template cached per (expression, names): the same tree and usage as binding
the whole tree per request, and the general Binder's errors whenever a name or value is
undefined."""

from __future__ import annotations

from typing import Any

import pytest

from headwater.dynamodb.expressions import compile_update
from headwater.dynamodb.expressions.binding import Binder, bind_cached
from headwater.dynamodb.expressions.parser import parse
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
