"""The EventBridge-style event pattern language shared by SNS subscription filter policies
(SNS Developer Guide, "Amazon SNS message filtering") and Lambda event filtering (Lambda
Developer Guide, "Lambda event filtering"; aws-facts §4.7): validated once and compiled into a
matcher. A `Dialect` states where the two services differ; each service words its own errors
from the `Reason` a `PatternError` carries (topics/filter_policy.py, triggers/filter_patterns.py).

A pattern is a JSON object. Each key holds either a nested object (matched against the nested
value) or a non-empty list of rules, any of which may match; keys are AND-ed. `$or` holds a list
of at least two patterns for the same level. Rules: literals (string, number, null, boolean;
numbers compare by value, `300` equals `300.0`, a boolean is not a number), `prefix`, `suffix`,
`equals-ignore-case`, `wildcard`, `anything-but` (a value, a list of values, or a string rule),
`numeric` (comparisons, ranges), `exists`. An array value matches when any element does.
"""

from __future__ import annotations

import enum
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MISSING: Any = object()  # a key the event does not have

Matcher = Callable[[Any], bool]
Rule = Matcher | bool  # a test of one value, or `exists` (True: present, False: absent)
Pairs = list[tuple[str, int | float]]

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}
STRING_RULES = ("prefix", "suffix", "equals-ignore-case")


class Reason(enum.Enum):
    """Why a pattern is rejected; `PatternError.name` holds the key or operator it names."""

    NOT_OBJECT = enum.auto()           # the pattern, or a `$or` branch, is not an object
    EMPTY_OBJECT = enum.auto()         # a nested `{}` in a dialect without empty objects
    OR_BRANCHES = enum.auto()          # `$or` is not a list of at least two patterns
    NOT_OBJECT_OR_ARRAY = enum.auto()  # a key holds neither an object nor a non-empty list
    MATCH_VALUE = enum.auto()          # a rule that is an array
    ONE_KEY = enum.auto()              # an operator object without exactly one key
    UNKNOWN_OPERATOR = enum.auto()
    EXISTS = enum.auto()               # `exists` not true or false
    NOT_STRING = enum.auto()           # `prefix`, `suffix`, `equals-ignore-case` not a string
    WILDCARD = enum.auto()             # `wildcard` not a string, or with `**`
    NUMERIC = enum.auto()              # `numeric` not operator/number pairs within limits
    ANYTHING_BUT = enum.auto()         # an `anything-but` the dialect does not accept


class PatternError(Exception):
    def __init__(self, reason: Reason, name: str = "") -> None:
        super().__init__(reason.name, name)
        self.reason = reason
        self.name = name


@dataclass(frozen=True, slots=True)
class Dialect:
    """One service's pattern language.

    `leaves_only` (Lambda, as EventBridge): only scalars are values. An object, or an array
    inside an array, is not a value: leaf rules never see it and `exists: false` holds for it.
    A nested pattern on a missing or scalar value sees an empty object; on an array, any of its
    objects. Without it (SNS): any present value is one (`exists: true` holds for an object,
    `anything-but` matches it), `exists: false` holds only for a missing key (not for `[]`), and a
    nested pattern needs an object.
    """

    operators: frozenset[str]
    empty_objects: bool                        # `{"key": {}}` accepted (it matches any object)
    leaves_only: bool
    numeric_limits: Callable[[Pairs], bool]    # the service's limits on well-formed pairs
    anything_but_valid: Callable[[Any], bool]  # the `anything-but` arguments the service takes
    anything_but_rule_needs_string: bool       # `anything-but` a string rule rejects non-strings


def compile_pattern(pattern: Any, dialect: Dialect) -> Matcher:
    """A matcher for one parsed pattern; PatternError for the first thing `dialect` rejects,
    checking keys in order, depth first."""
    if not isinstance(pattern, dict):
        raise PatternError(Reason.NOT_OBJECT)
    fields: list[tuple[str, Matcher]] = []
    alternatives: list[list[Matcher]] = []
    for key, spec in pattern.items():
        if key == "$or":
            if not isinstance(spec, list) or len(spec) < 2:
                raise PatternError(Reason.OR_BRANCHES)
            alternatives.append([compile_pattern(branch, dialect) for branch in spec])
        elif isinstance(spec, dict):
            if not spec and not dialect.empty_objects:
                raise PatternError(Reason.EMPTY_OBJECT, key)
            fields.append((key, _nested(compile_pattern(spec, dialect), dialect)))
        elif not isinstance(spec, list) or not spec:
            raise PatternError(Reason.NOT_OBJECT_OR_ARRAY, key)
        else:
            fields.append((key, _leaf([_rule(item, key, dialect) for item in spec], dialect)))

    def match(event: Any) -> bool:
        if not isinstance(event, dict):
            return False
        for key, check in fields:
            if not check(event.get(key, MISSING)):
                return False
        for branches in alternatives:
            if not any(branch(event) for branch in branches):
                return False
        return True

    return match


def _nested(inner: Matcher, dialect: Dialect) -> Matcher:
    if not dialect.leaves_only:
        return lambda value: isinstance(value, dict) and inner(value)

    def check(value: Any) -> bool:
        # A missing or scalar parent is an empty object: only `exists: false` can hold in it.
        if isinstance(value, list):
            objects = [v for v in value if isinstance(v, dict)]
            return any(inner(v) for v in objects) if objects else inner({})
        return inner(value if isinstance(value, dict) else {})

    return check


def _scalars(value: Any) -> list[Any]:
    if value is MISSING or isinstance(value, dict):
        return []
    if isinstance(value, list):
        return [v for v in value if not isinstance(v, dict | list)]
    return [value]


def _values(value: Any) -> list[Any]:
    if value is MISSING:
        return []
    return value if isinstance(value, list) else [value]


def _leaf(rules: list[Rule], dialect: Dialect) -> Matcher:
    """A key's rules against its value: missing, scalar, object or array (any element)."""
    tests = [rule for rule in rules if not isinstance(rule, bool)]
    present = True in rules
    absent = False in rules
    values = _scalars if dialect.leaves_only else _values
    absent_key_only = not dialect.leaves_only

    def check(value: Any) -> bool:
        found = values(value)
        for test in tests:
            for candidate in found:
                if test(candidate):
                    return True
        if found:
            return present
        return absent and (value is MISSING or not absent_key_only)

    return check


def _rule(item: Any, key: str, dialect: Dialect) -> Rule:
    if isinstance(item, list):
        raise PatternError(Reason.MATCH_VALUE, key)
    if not isinstance(item, dict):
        return _literal(item)
    if len(item) != 1:
        raise PatternError(Reason.ONE_KEY)
    (name, argument), = item.items()
    if name not in dialect.operators:
        raise PatternError(Reason.UNKNOWN_OPERATOR, name)
    if name == "exists":
        if not isinstance(argument, bool):
            raise PatternError(Reason.EXISTS)
        return argument
    if name in STRING_RULES:
        return _string_rule(name, argument)
    if name == "wildcard":
        return _wildcard(argument)
    if name == "numeric":
        return _numeric(argument, dialect)
    return _anything_but(argument, dialect)


def _literal(item: Any) -> Matcher:
    """Exact equality: null only null, a boolean only itself, a number any equal number."""
    if item is None or isinstance(item, bool):
        return lambda value: value is item
    if isinstance(item, int | float):
        return lambda value: (isinstance(value, int | float) and not isinstance(value, bool)
                              and value == item)
    return lambda value: value == item  # a string: equal only to the same string


def _string_rule(name: str, argument: Any) -> Matcher:
    if not isinstance(argument, str):
        raise PatternError(Reason.NOT_STRING, name)
    if name == "prefix":
        return lambda value: isinstance(value, str) and value.startswith(argument)
    if name == "suffix":
        return lambda value: isinstance(value, str) and value.endswith(argument)
    folded = argument.lower()
    return lambda value: isinstance(value, str) and value.lower() == folded


def _wildcard(argument: Any) -> Matcher:
    if not isinstance(argument, str) or "**" in argument:
        raise PatternError(Reason.WILDCARD)
    regex = re.compile(".*".join(re.escape(part) for part in argument.split("*")), re.DOTALL)
    return lambda value: isinstance(value, str) and regex.fullmatch(value) is not None


def _numeric(argument: Any, dialect: Dialect) -> Matcher:
    """Comparisons AND-ed; Python compares ints and floats exactly, so no conversion."""
    if not isinstance(argument, list) or not argument or len(argument) % 2:
        raise PatternError(Reason.NUMERIC)
    pairs: Pairs = []
    for name, bound in zip(argument[::2], argument[1::2], strict=True):
        if (name not in COMPARISONS or isinstance(bound, bool)
                or not isinstance(bound, int | float)):
            raise PatternError(Reason.NUMERIC)
        pairs.append((name, bound))
    if not dialect.numeric_limits(pairs):
        raise PatternError(Reason.NUMERIC)
    tests = [(COMPARISONS[name], bound) for name, bound in pairs]

    def match(value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        for compare, bound in tests:
            if not compare(value, bound):
                return False
        return True

    return match


def _anything_but(argument: Any, dialect: Dialect) -> Matcher:
    """Matches a value none of the excluded ones (literals, or string rules) matches."""
    if not dialect.anything_but_valid(argument):
        raise PatternError(Reason.ANYTHING_BUT)
    excluded_items = argument if isinstance(argument, list) else [argument]
    excluded = [_string_rule(*next(iter(item.items()))) if isinstance(item, dict)
                else _literal(item) for item in excluded_items]
    strings_only = dialect.anything_but_rule_needs_string and any(
        isinstance(item, dict) for item in excluded_items)

    def match(value: Any) -> bool:
        if strings_only and not isinstance(value, str):
            return False
        return not any(test(value) for test in excluded)

    return match
