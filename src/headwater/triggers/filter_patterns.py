"""Event filtering for event source mappings (aws-facts §4.7): the shared event pattern language
(core/event_patterns.py) in Lambda's dialect, where every invalid pattern gets the one message
`Invalid filter pattern definition.`; FilterCriteria's filters are OR-ed.

Lambda's dialect (EventBridge's): `wildcard` is known; `numeric` is one comparison or a range
(lower bound, then upper), bounds within ±5e9; `anything-but` takes a non-empty list of
literals (null and booleans included) or one `prefix`/`suffix`/`equals-ignore-case` rule,
which only strings can pass; nested `{}` is rejected. Leaf rules see only scalars: an event
array matches when any element does, and a nested object is not a leaf, so
`{"exists": false}` holds for it (AWS behaves the same way for DynamoDB attribute objects).
"""

from __future__ import annotations

from typing import Any

import orjson

from headwater.core import event_patterns
from headwater.core.event_patterns import Dialect, Matcher, Pairs, PatternError
from headwater.wire.errors import AwsError

INVALID = "Invalid filter pattern definition."
OPERATORS = frozenset({"prefix", "suffix", "equals-ignore-case", "wildcard", "exists",
                       "numeric", "anything-but"})
ANYTHING_BUT_RULES = ("prefix", "suffix", "equals-ignore-case")
MAX_NUMBER = 5e9

PatternMatcher = Matcher


class InvalidFilterPattern(AwsError):
    code = "InvalidParameterValueException"


def _numeric_limits(pairs: Pairs) -> bool:
    if any(abs(bound) > MAX_NUMBER for _, bound in pairs):
        return False
    if len(pairs) == 2:
        return pairs[0][0] in (">", ">=") and pairs[1][0] in ("<", "<=")
    return len(pairs) == 1


def _anything_but_valid(argument: Any) -> bool:
    if isinstance(argument, dict):
        return (len(argument) == 1 and next(iter(argument)) in ANYTHING_BUT_RULES
                and isinstance(next(iter(argument.values())), str))
    values = argument if isinstance(argument, list) else [argument]
    return bool(values) and not any(isinstance(value, dict | list) for value in values)


DIALECT = Dialect(operators=OPERATORS, empty_objects=False, leaves_only=True,
                  numeric_limits=_numeric_limits, anything_but_valid=_anything_but_valid,
                  anything_but_rule_needs_string=True)


def compile_pattern(text: str) -> PatternMatcher:
    """Parse and validate one pattern string; raises InvalidFilterPattern."""
    try:
        return event_patterns.compile_pattern(orjson.loads(text), DIALECT)
    except (orjson.JSONDecodeError, PatternError):
        raise InvalidFilterPattern(INVALID) from None


def compile_filters(filters: list[dict[str, Any]]) -> PatternMatcher | None:
    """FilterCriteria.Filters OR-ed together; None when there is nothing to filter."""
    matchers = [compile_pattern(f.get("Pattern", "")) for f in filters]
    if not matchers:
        return None
    if len(matchers) == 1:
        return matchers[0]
    return lambda event: any(matcher(event) for matcher in matchers)
