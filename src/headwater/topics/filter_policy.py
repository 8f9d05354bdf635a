"""SNS subscription filter policies (SNS Developer Guide, "Amazon SNS message filtering"): the
shared event pattern language (core/event_patterns.py) in SNS's dialect and wording. Scope
MessageAttributes (default) matches the message attributes (Number as a number, String.Array as
any element, Binary never); scope MessageBody matches the JSON message body, with nested keys.

SNS's dialect: no `wildcard`; `numeric` takes any number of operator/number pairs; `anything-but`
takes strings, numbers and `prefix`/`suffix` rules, alone or in a list (possibly empty), never
null; nested `{}` is accepted; any present value, objects included, is a value."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson

from headwater.core.event_patterns import (
    MISSING,
    Dialect,
    Matcher,
    Pairs,
    PatternError,
    Reason,
    compile_pattern,
)
from headwater.topics.errors import invalid

OPERATORS = frozenset({"prefix", "suffix", "equals-ignore-case", "anything-but", "numeric",
                       "exists"})
ANYTHING_BUT_RULES = frozenset({"prefix", "suffix"})
MESSAGES = {  # SNS never raises the other reasons: no `wildcard`, nested `{}` is fine
    Reason.NOT_OBJECT: "Filter policy must be a JSON object",
    Reason.OR_BRANCHES: "$or must be a list of at least 2 policies",
    Reason.NOT_OBJECT_OR_ARRAY: '"{name}" must be an object or an array',
    Reason.MATCH_VALUE: 'Match value of "{name}" must be a string, number, null or an object',
    Reason.ONE_KEY: "Only one key allowed in match expression",
    Reason.UNKNOWN_OPERATOR: "Unrecognized match type {name}",
    Reason.EXISTS: "exists match pattern must be either true or false.",
    Reason.NOT_STRING: "{name} match pattern must be a string",
    Reason.NUMERIC: "Value of numeric must be an array of operator and number pairs",
    Reason.ANYTHING_BUT: "Value of anything-but must be an array or single string/number value.",
}


def _any_pairs(pairs: Pairs) -> bool:
    return True


def _anything_but_valid(argument: Any) -> bool:
    values = argument if isinstance(argument, list) else [argument]
    return all(isinstance(v, str | int | float) or _excluding_rule(v) for v in values)


def _excluding_rule(value: Any) -> bool:
    return (isinstance(value, dict) and len(value) == 1 and set(value) <= ANYTHING_BUT_RULES
            and all(isinstance(argument, str) for argument in value.values()))


DIALECT = Dialect(operators=OPERATORS, empty_objects=True, leaves_only=False,
                  numeric_limits=_any_pairs, anything_but_valid=_anything_but_valid,
                  anything_but_rule_needs_string=False)


@lru_cache(maxsize=1024)
def compile_policy(text: str) -> Matcher:
    """A filter policy from its JSON text, compiled; InvalidParameter when it is not one."""
    try:
        policy = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise invalid("FilterPolicy: failed to parse JSON.") from None
    try:
        return compile_pattern(policy, DIALECT)
    except PatternError as error:
        raise invalid("FilterPolicy: " + MESSAGES[error.reason].format(name=error.name)) \
            from None


def matches(policy: str, scope: str, message: str, attributes: dict[str, Any] | None) -> bool:
    """Whether a message passes a subscription's (stored, valid) filter policy."""
    matcher = compile_policy(policy)
    if scope == "MessageBody":
        try:
            body = orjson.loads(message)
        except orjson.JSONDecodeError:
            return False
        return matcher(body)
    return matcher({name: _attribute_value(value) for name, value in (attributes or {}).items()})


def _attribute_value(value: dict[str, Any]) -> Any:
    data_type = value["DataType"]
    text = value.get("StringValue")
    if data_type.startswith("Number"):
        try:
            return float(text) if text is not None else MISSING
        except ValueError:
            return text
    if data_type == "String.Array" and text is not None:
        try:
            parsed = orjson.loads(text)
            return parsed if isinstance(parsed, list) else text
        except orjson.JSONDecodeError:
            return text
    return text if text is not None else MISSING  # Binary attributes never match
