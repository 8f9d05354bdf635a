"""Event filtering for event source mappings (aws-facts §4.7): the EventBridge-style pattern
language Lambda uses for FilterCriteria, validated once and compiled into a matcher.

A pattern is a JSON object. Each key holds either a nested object (matched against the nested
value) or a list of leaf matchers, any of which may match. `$or` holds a list of patterns at the
same level. Matchers: literals (string, number, null, boolean), `prefix`, `suffix`,
`equals-ignore-case`, `anything-but` (a value, a list, or `prefix`/`suffix`/`equals-ignore-case`),
`numeric` (comparisons, ranges), `exists`, `wildcard`. Leaf matching sees only scalar values:
an event array matches when any element matches; a nested object is not a leaf, so
`{"exists": false}` holds for it (AWS behaves the same way for DynamoDB attribute objects).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from headwater.wire.errors import AwsError

INVALID = "Invalid filter pattern definition."
_MISSING = object()
_NUMERIC_OPERATORS = ("=", "<", "<=", ">", ">=")
_MAX_NUMBER = Decimal("5e9")

Matcher = Callable[[Any], bool]
PatternMatcher = Callable[[Any], bool]


class InvalidFilterPattern(AwsError):
    code = "InvalidParameterValueException"


def _invalid() -> InvalidFilterPattern:
    return InvalidFilterPattern(INVALID)


def compile_pattern(text: str) -> PatternMatcher:
    """Parse and validate one pattern string; raises InvalidFilterPattern."""
    try:
        pattern = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise _invalid() from None
    if not isinstance(pattern, dict):
        raise _invalid()
    return _object(pattern)


def compile_filters(filters: list[dict[str, Any]]) -> PatternMatcher | None:
    """FilterCriteria.Filters OR-ed together; None when there is nothing to filter."""
    matchers = [compile_pattern(f.get("Pattern", "")) for f in filters]
    if not matchers:
        return None
    return lambda event: any(matcher(event) for matcher in matchers)


def _object(pattern: dict[str, Any]) -> PatternMatcher:
    fields: list[tuple[str, Callable[[Any], bool]]] = []
    alternatives: list[PatternMatcher] = []
    for key, spec in pattern.items():
        if key == "$or":
            if not isinstance(spec, list) or len(spec) < 2:
                raise _invalid()
            for branch in spec:
                if not isinstance(branch, dict):
                    raise _invalid()
            alternatives.append(_any([_object(branch) for branch in spec]))
        elif isinstance(spec, dict):
            if not spec:
                raise _invalid()
            fields.append((key, _nested(_object(spec))))
        elif isinstance(spec, list):
            if not spec:
                raise _invalid()
            fields.append((key, _leaf([_matcher(item) for item in spec])))
        else:
            raise _invalid()

    def match(event: Any) -> bool:
        if not isinstance(event, dict):
            return False
        for key, check in fields:
            if not check(event.get(key, _MISSING)):
                return False
        return all(alternative(event) for alternative in alternatives)

    return match


def _any(matchers: list[PatternMatcher]) -> PatternMatcher:
    return lambda event: any(matcher(event) for matcher in matchers)


def _nested(inner: PatternMatcher) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        # A missing or scalar parent is an empty object: only `exists: false` can hold in it.
        if isinstance(value, list):
            objects = [v for v in value if isinstance(v, dict)]
            return any(inner(v) for v in objects) if objects else inner({})
        return inner(value if isinstance(value, dict) else {})

    return check


def _leaf(matchers: list[tuple[str, Matcher]]) -> Callable[[Any], bool]:
    """Match a field's value (missing, scalar, object or array) against leaf matchers."""

    def check(value: Any) -> bool:
        scalars = _scalars(value)
        for kind, matcher in matchers:
            if kind == "exists":
                if matcher(bool(scalars)):
                    return True
            elif kind == "anything-but":
                if scalars and any(matcher(s) for s in scalars):
                    return True
            elif any(matcher(s) for s in scalars):
                return True
        return False

    return check


def _scalars(value: Any) -> list[Any]:
    if value is _MISSING or isinstance(value, dict):
        return []
    if isinstance(value, list):
        return [v for v in value if not isinstance(v, dict | list)]
    return [value]


def _matcher(item: Any) -> tuple[str, Matcher]:
    if item is None or isinstance(item, str | bool):
        return "equals", lambda value, item=item: _equals(value, item)
    if isinstance(item, int | float):
        return "equals", lambda value, item=item: _equals(value, item)
    if not isinstance(item, dict) or len(item) != 1:
        raise _invalid()
    (operator, argument), = item.items()
    if operator == "prefix":
        return "prefix", _string_test(argument, lambda v, a: v.startswith(a))
    if operator == "suffix":
        return "suffix", _string_test(argument, lambda v, a: v.endswith(a))
    if operator == "equals-ignore-case":
        return "equals", _string_test(argument, lambda v, a: v.lower() == a.lower())
    if operator == "wildcard":
        return "wildcard", _wildcard(argument)
    if operator == "exists":
        if not isinstance(argument, bool):
            raise _invalid()
        return "exists", lambda present, wanted=argument: present is wanted
    if operator == "numeric":
        return "numeric", _numeric(argument)
    if operator == "anything-but":
        return "anything-but", _anything_but(argument)
    raise _invalid()


def _equals(value: Any, item: Any) -> bool:
    if isinstance(item, bool) or isinstance(value, bool):
        return type(value) is type(item) and value == item
    if isinstance(item, int | float):
        return isinstance(value, int | float) and not isinstance(value, bool) and value == item
    return bool(value == item)


def _string_test(argument: Any, test: Callable[[str, str], bool]) -> Matcher:
    if not isinstance(argument, str):
        raise _invalid()
    return lambda value: isinstance(value, str) and test(value, argument)


def _wildcard(argument: Any) -> Matcher:
    if not isinstance(argument, str) or "**" in argument:
        raise _invalid()
    regex = re.compile(".*".join(re.escape(part) for part in argument.split("*")), re.DOTALL)
    return lambda value: isinstance(value, str) and regex.fullmatch(value) is not None


def _numeric(argument: Any) -> Matcher:
    if not isinstance(argument, list) or len(argument) not in (2, 4):
        raise _invalid()
    tests: list[Callable[[Decimal], bool]] = []
    for operator, bound in zip(argument[::2], argument[1::2], strict=True):
        if operator not in _NUMERIC_OPERATORS or isinstance(bound, bool):
            raise _invalid()
        if not isinstance(bound, int | float):
            raise _invalid()
        limit = _decimal(bound)
        if limit is None or abs(limit) > _MAX_NUMBER:
            raise _invalid()
        tests.append(_comparison(operator, limit))
    if len(tests) == 2 and (argument[0] not in (">", ">=") or argument[2] not in ("<", "<=")):
        raise _invalid()

    def match(value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        number = _decimal(value)
        return number is not None and all(test(number) for test in tests)

    return match


def _comparison(operator: str, limit: Decimal) -> Callable[[Decimal], bool]:
    return {
        "=": lambda n: n == limit,
        "<": lambda n: n < limit,
        "<=": lambda n: n <= limit,
        ">": lambda n: n > limit,
        ">=": lambda n: n >= limit,
    }[operator]


def _decimal(value: int | float) -> Decimal | None:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _anything_but(argument: Any) -> Matcher:
    if isinstance(argument, dict):
        if len(argument) != 1:
            raise _invalid()
        (operator, inner), = argument.items()
        if operator not in ("prefix", "suffix", "equals-ignore-case"):
            raise _invalid()
        kind, positive = _matcher({operator: inner})
        return lambda value: isinstance(value, str) and not positive(value)
    values = argument if isinstance(argument, list) else [argument]
    if not values:
        raise _invalid()
    for value in values:
        if isinstance(value, dict | list):
            raise _invalid()
    return lambda value: not any(_equals(value, v) for v in values)
