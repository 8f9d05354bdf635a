"""core/event_patterns.py: the pattern language both SNS filter policies and Lambda
FilterCriteria use, in a strict (Lambda-like) and a loose (SNS-like) dialect built here so each
knob is tested on its own."""

from __future__ import annotations

import operator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headwater.core.event_patterns import (
    COMPARISONS,
    Dialect,
    Pairs,
    PatternError,
    Reason,
    compile_pattern,
)

ALL_OPERATORS = frozenset({"prefix", "suffix", "equals-ignore-case", "wildcard", "exists",
                           "numeric", "anything-but"})


def _one_range(pairs: Pairs) -> bool:
    return len(pairs) == 1 or (len(pairs) == 2 and pairs[0][0] in (">", ">=")
                               and pairs[1][0] in ("<", "<="))


def _list_of_literals(argument: Any) -> bool:
    values = argument if isinstance(argument, list) else [argument]
    return all(isinstance(v, str | int | float) or (isinstance(v, dict) and len(v) == 1)
               for v in values)


STRICT = Dialect(operators=ALL_OPERATORS, empty_objects=False, leaves_only=True,
                 numeric_limits=_one_range, anything_but_valid=lambda argument: True,
                 anything_but_rule_needs_string=True)
LOOSE = Dialect(operators=ALL_OPERATORS - {"wildcard"}, empty_objects=True, leaves_only=False,
                numeric_limits=lambda pairs: True, anything_but_valid=_list_of_literals,
                anything_but_rule_needs_string=False)
BOTH = [STRICT, LOOSE]


def matches(pattern: dict[str, Any], event: Any, dialect: Dialect) -> bool:
    return compile_pattern(pattern, dialect)(event)


EVENT = {"name": "Bob", "n": 15, "f": 2.5, "ok": True, "none": None, "empty": "",
         "tags": ["x", "y", 3], "deep": {"city": "us-east-1", "k": {"v": 1}},
         "objects": [{"c": "red"}, {"c": "blue"}]}

# Every dialect agrees on these.
SHARED = [
    ({"name": ["Bob"]}, True), ({"name": ["bob"]}, False), ({"name": ["Al", "Bob"]}, True),
    ({"n": [15]}, True), ({"n": [15.0]}, True), ({"n": ["15"]}, False), ({"ok": [True]}, True),
    ({"ok": [1]}, False), ({"n": [True]}, False), ({"none": [None]}, True),
    ({"empty": [None]}, False), ({"empty": [""]}, True), ({"missing": [None]}, False),
    ({"name": [{"prefix": "B"}]}, True), ({"name": [{"suffix": "ob"}]}, True),
    ({"name": [{"equals-ignore-case": "BOB"}]}, True), ({"n": [{"prefix": "1"}]}, False),
    ({"n": [{"numeric": [">", 10, "<=", 15]}]}, True), ({"n": [{"numeric": ["<", 15]}]}, False),
    ({"f": [{"numeric": ["=", 2.5]}]}, True), ({"name": [{"numeric": [">", 0]}]}, False),
    ({"ok": [{"numeric": [">", 0]}]}, False),
    ({"name": [{"anything-but": "Al"}]}, True), ({"name": [{"anything-but": ["Bob"]}]}, False),
    ({"missing": [{"anything-but": "x"}]}, False),
    ({"missing": [{"exists": False}]}, True), ({"name": [{"exists": True}]}, True),
    ({"name": [{"exists": False}]}, False), ({"none": [{"exists": True}]}, True),
    ({"tags": ["y"]}, True), ({"tags": [3]}, True), ({"tags": ["z"]}, False),
    ({"tags": [{"anything-but": ["x", "y"]}]}, True),
    ({"deep": {"city": [{"prefix": "us-"}]}}, True), ({"deep": {"k": {"v": [1]}}}, True),
    ({"deep": {"city": ["eu"]}}, False),
    ({"name": ["Bob"], "n": [16]}, False),
    ({"$or": [{"name": ["Al"]}, {"n": [15]}]}, True),
    ({"$or": [{"name": ["Al"]}, {"n": [16]}]}, False),
    ({"deep": {"$or": [{"city": ["x"]}, {"k": {"v": [1]}}]}}, True),
    ({}, True),
]


@pytest.mark.parametrize("dialect", BOTH, ids=["strict", "loose"])
@pytest.mark.parametrize(("pattern", "expected"), SHARED)
def test_shared_language(dialect: Dialect, pattern: dict[str, Any], expected: bool) -> None:
    assert matches(pattern, EVENT, dialect) is expected


# (pattern, event, strict, loose): where the dialects' value models differ.
DIFFERENT = [
    ({"deep": [{"exists": True}]}, EVENT, False, True),  # an object is a value only when loose
    ({"deep": [{"exists": False}]}, EVENT, True, False),
    ({"deep": [{"anything-but": "x"}]}, EVENT, False, True),
    ({"a": [{"exists": False}]}, {"a": []}, True, False),  # `[]`: absent, or a present key
    ({"a": [{"exists": True}]}, {"a": []}, False, False),
    ({"a": [{"exists": True}]}, {"a": [{"b": 1}]}, False, True),
    ({"missing": {"b": [{"exists": False}]}}, EVENT, True, False),  # missing parent: {} or no
    ({"name": {"b": [{"exists": False}]}}, EVENT, True, False),
    ({"objects": {"c": ["blue"]}}, EVENT, True, False),  # an array of objects: any, or no
    ({"n": [{"anything-but": {"prefix": "x"}}]}, EVENT, False, True),
]


@pytest.mark.parametrize(("pattern", "event", "strict", "loose"), DIFFERENT)
def test_value_models(pattern: dict[str, Any], event: Any, strict: bool, loose: bool) -> None:
    assert (matches(pattern, event, STRICT), matches(pattern, event, LOOSE)) == (strict, loose)


def test_non_objects_never_match() -> None:
    for dialect in BOTH:
        assert not matches({}, ["a"], dialect) and not matches({}, None, dialect)


REJECTED = [
    ("x", Reason.NOT_OBJECT, ""), ({"$or": [{"a": ["x"]}]}, Reason.OR_BRANCHES, ""),
    ({"$or": {"a": ["x"]}}, Reason.OR_BRANCHES, ""), ({"$or": [{}, 1]}, Reason.NOT_OBJECT, ""),
    ({"a": "x"}, Reason.NOT_OBJECT_OR_ARRAY, "a"), ({"a": []}, Reason.NOT_OBJECT_OR_ARRAY, "a"),
    ({"a": [["x"]]}, Reason.MATCH_VALUE, "a"), ({"a": [{}]}, Reason.ONE_KEY, ""),
    ({"a": [{"prefix": "x", "suffix": "y"}]}, Reason.ONE_KEY, ""),
    ({"a": [{"regex": "x"}]}, Reason.UNKNOWN_OPERATOR, "regex"),
    ({"a": [{"exists": "yes"}]}, Reason.EXISTS, ""),
    ({"a": [{"suffix": 1}]}, Reason.NOT_STRING, "suffix"),
    ({"a": [{"wildcard": "a**"}]}, Reason.WILDCARD, ""),
    ({"a": [{"numeric": [">"]}]}, Reason.NUMERIC, ""),
    ({"a": [{"numeric": ["!", 1]}]}, Reason.NUMERIC, ""),
    ({"a": [{"numeric": [">", True]}]}, Reason.NUMERIC, ""),
    ({"a": [{"numeric": [">", "1"]}]}, Reason.NUMERIC, ""),
    ({"a": [{"numeric": []}]}, Reason.NUMERIC, ""),
    ({"b": ["x"], "a": [{"numeric": ["<", 5, ">", 1]}]}, Reason.NUMERIC, ""),  # strict limits
    ({"a": {}}, Reason.EMPTY_OBJECT, "a"),
    ({"a": ["x", {"regex": 1}], "b": [["y"]]}, Reason.UNKNOWN_OPERATOR, "regex"),  # in order
]


@pytest.mark.parametrize(("pattern", "reason", "name"), REJECTED)
def test_rejections_name_the_first_problem(pattern: Any, reason: Reason, name: str) -> None:
    with pytest.raises(PatternError) as raised:
        compile_pattern(pattern, STRICT)
    assert (raised.value.reason, raised.value.name) == (reason, name)


def test_dialects_decide_limits() -> None:
    loose_only = [{"a": {}}, {"a": [{"numeric": ["<", 5, ">", 1, "=", 3]}]}]
    for pattern in loose_only:
        compile_pattern(pattern, LOOSE)
        with pytest.raises(PatternError):
            compile_pattern(pattern, STRICT)
    with pytest.raises(PatternError) as raised:
        compile_pattern({"a": [{"anything-but": [None]}]}, LOOSE)
    assert raised.value.reason is Reason.ANYTHING_BUT
    with pytest.raises(PatternError) as raised:
        compile_pattern({"a": [{"wildcard": "x*"}]}, LOOSE)
    assert (raised.value.reason, raised.value.name) == (Reason.UNKNOWN_OPERATOR, "wildcard")


@pytest.mark.parametrize(("rule", "value", "expected"), [
    ("a*c", "abbc", True), ("a*c", "ac", True), ("a*c", "abcd", False), ("*", "", True),
    ("a.c", "abc", False), ("x*y*z", "x-y-z", True), ("a*c", "a\nc", True),
])
def test_wildcard(rule: str, value: str, expected: bool) -> None:
    assert matches({"v": [{"wildcard": rule}]}, {"v": value}, STRICT) is expected


scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3),
                    st.floats(-3, 3, allow_nan=False), st.sampled_from(["", "a", "ab", "B"]))


def _same(value: Any, item: Any) -> bool:
    if isinstance(value, bool) or isinstance(item, bool) or value is None or item is None:
        return value is item
    if isinstance(value, str) or isinstance(item, str):
        return type(value) is type(item) and bool(value == item)
    return bool(value == item)


@given(st.lists(scalars, min_size=1, max_size=4), scalars)
def test_literals_and_anything_but_are_complements(items: list[Any], value: Any) -> None:
    listed = any(_same(value, item) for item in items)
    for dialect in BOTH:
        assert matches({"v": items}, {"v": value}, dialect) is listed
        if dialect is STRICT or None not in items:
            assert matches({"v": [{"anything-but": items}]}, {"v": value}, dialect) is not listed


@given(st.sampled_from(sorted(COMPARISONS)), st.integers(-5, 5) | st.floats(-5, 5),
       st.integers(-5, 5) | st.floats(-5, 5, allow_nan=False))
def test_numeric_is_exact_comparison(name: str, bound: float, value: float) -> None:
    expected = {"=": operator.eq, "<": operator.lt, "<=": operator.le, ">": operator.gt,
                ">=": operator.ge}[name](value, bound)
    for dialect in BOTH:
        assert matches({"v": [{"numeric": [name, bound]}]}, {"v": value}, dialect) is expected


json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["a", "b", "$or", "exists", "numeric", "prefix"]), inner,
                      max_size=3), max_leaves=10)


@given(json_values, json_values)
def test_any_json_is_a_pattern_or_a_pattern_error(pattern: Any, event: Any) -> None:
    for dialect in BOTH:
        try:
            matcher = compile_pattern(pattern, dialect)
        except PatternError:
            continue
        assert matcher(event) in (True, False)
