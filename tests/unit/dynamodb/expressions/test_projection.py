"""Projection expressions keep each path's nesting."""

from __future__ import annotations

import pytest

from headwater.dynamodb.expressions import compile_projection
from headwater.wire.errors import ValidationException

ITEM = {
    "a": {"N": "1"},
    "m": {"M": {"x": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}]}, "y": {"S": "y"}}},
}


def test_nested_paths_and_list_order() -> None:
    projection = compile_projection("m.x[2], a, m.x[0], nope, m.y", None)
    assert projection.apply(ITEM) == {
        "a": {"N": "1"},
        "m": {"M": {"x": {"L": [{"N": "0"}, {"N": "2"}]}, "y": {"S": "y"}}},
    }
    assert projection.top_level_names == ["m", "a", "nope"]


def test_names_and_missing_paths() -> None:
    projection = compile_projection("#m.#y, m.x[9]", {"#m": "m", "#y": "y"})
    assert projection.apply(ITEM) == {"m": {"M": {"y": {"S": "y"}}}}
    assert projection.used_names == {"#m", "#y"}


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "a, a",
            "Two document paths overlap with each other; must remove or rewrite one of "
            "these paths; path one: [a], path two: [a]",
        ),
        (
            "m.x[1], m.x.y",
            "Two document paths conflict with each other; must remove or rewrite "
            "one of these paths; path one: [m, x, [1]], path two: [m, x, y]",
        ),
        ("a,", 'Syntax error; token: "<EOF>", near: ","'),
        ("name", "Attribute name is a reserved keyword; reserved keyword: name"),
        (
            "#q",
            "An expression attribute name used in the document path is not defined; "
            "attribute name: #q",
        ),
    ],
)
def test_errors(expression: str, message: str) -> None:
    with pytest.raises(ValidationException) as raised:
        compile_projection(expression, None)
    assert raised.value.message == f"Invalid ProjectionExpression: {message}"
