"""SNS subscription filter policies (SNS Developer Guide, "Amazon SNS message filtering"):
a policy matches when every key matches, a key when any of its conditions does. Conditions:
exact strings and numbers, null, prefix, suffix, equals-ignore-case, anything-but, numeric
ranges, exists; `$or` at any level. Scope MessageAttributes (default) matches the message
attributes (String.Array as any element); scope MessageBody matches the JSON message body,
with nested keys."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import orjson

from headwater.topics.errors import invalid

OPERATORS = frozenset({"prefix", "suffix", "equals-ignore-case", "anything-but", "numeric",
                       "exists"})
COMPARE: dict[str, Callable[[float, float], bool]] = {
    "=": operator.eq, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}
MISSING = object()


def parse(text: str) -> dict[str, Any]:
    """A filter policy from its JSON text; InvalidParameter when it is not one."""
    try:
        policy = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise invalid("FilterPolicy: failed to parse JSON.") from None
    if not isinstance(policy, dict):
        raise invalid("FilterPolicy: Filter policy must be a JSON object")
    _check(policy)
    return policy


def _check(policy: Any) -> None:
    if not isinstance(policy, dict):
        raise invalid("FilterPolicy: Filter policy must be a JSON object")
    for key, rules in policy.items():
        if key == "$or":
            if not isinstance(rules, list) or len(rules) < 2:
                raise invalid("FilterPolicy: $or must be a list of at least 2 policies")
            for branch in rules:
                _check(branch)
        elif isinstance(rules, dict):
            _check(rules)
        elif not isinstance(rules, list) or not rules:
            raise invalid(f"FilterPolicy: \"{key}\" must be an object or an array")
        else:
            for rule in rules:
                if isinstance(rule, dict):
                    _check_operator(rule)
                elif isinstance(rule, list):
                    raise invalid(f"FilterPolicy: Match value of \"{key}\" must be a string, "
                                  "number, null or an object")


def _check_operator(rule: dict[str, Any]) -> None:
    if len(rule) != 1:
        raise invalid("FilterPolicy: Only one key allowed in match expression")
    [(kind, argument)] = rule.items()
    if kind not in OPERATORS:
        raise invalid(f"FilterPolicy: Unrecognized match type {kind}")
    if kind == "exists" and not isinstance(argument, bool):
        raise invalid("FilterPolicy: exists match pattern must be either true or false.")
    if kind in ("prefix", "suffix", "equals-ignore-case") and not isinstance(argument, str):
        raise invalid(f"FilterPolicy: {kind} match pattern must be a string")
    if kind == "numeric":
        pairs = argument if isinstance(argument, list) else []
        if (not pairs or len(pairs) % 2 or any(op not in COMPARE for op in pairs[::2])
                or any(isinstance(n, bool) or not isinstance(n, int | float)
                       for n in pairs[1::2])):
            raise invalid("FilterPolicy: Value of numeric must be an array of operator and "
                          "number pairs")
    if kind == "anything-but":
        values = argument if isinstance(argument, list) else [argument]
        if not all(isinstance(v, str | int | float) or
                   (isinstance(v, dict) and set(v) <= {"prefix", "suffix"}) for v in values):
            raise invalid("FilterPolicy: Value of anything-but must be an array or single "
                          "string/number value.")


def matches(policy: dict[str, Any], scope: str, message: str,
            attributes: dict[str, Any] | None) -> bool:
    if scope == "MessageBody":
        try:
            body = orjson.loads(message)
        except orjson.JSONDecodeError:
            return False
        return isinstance(body, dict) and _object(policy, body)
    values = {name: _attribute_value(value) for name, value in (attributes or {}).items()}
    return _object(policy, values)


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


def _object(policy: dict[str, Any], values: dict[str, Any]) -> bool:
    for key, rules in policy.items():
        if key == "$or":
            if not any(_object(branch, values) for branch in rules):
                return False
            continue
        value = values.get(key, MISSING)
        if isinstance(rules, dict):
            if not isinstance(value, dict) or not _object(rules, value):
                return False
        elif not _key(rules, value):
            return False
    return True


def _key(rules: list[Any], value: Any) -> bool:
    candidates = value if isinstance(value, list) else [value]
    return any(_rule(rule, candidate) for rule in rules for candidate in candidates) or (
        value is MISSING and any(isinstance(r, dict) and r.get("exists") is False
                                 for r in rules))


def _rule(rule: Any, value: Any) -> bool:
    if value is MISSING:
        return False
    if not isinstance(rule, dict):
        if rule is None:
            return value is None
        if isinstance(rule, bool) or isinstance(value, bool):
            return rule is value
        if isinstance(rule, int | float):
            return isinstance(value, int | float) and float(rule) == float(value)
        return isinstance(value, str) and rule == value
    [(kind, argument)] = rule.items()
    if kind == "exists":
        return bool(argument)
    if kind == "prefix":
        return isinstance(value, str) and value.startswith(argument)
    if kind == "suffix":
        return isinstance(value, str) and value.endswith(argument)
    if kind == "equals-ignore-case":
        return isinstance(value, str) and value.lower() == str(argument).lower()
    if kind == "numeric":
        return isinstance(value, int | float) and not isinstance(value, bool) and all(
            COMPARE[argument[i]](float(value), float(argument[i + 1]))
            for i in range(0, len(argument), 2))
    if kind == "anything-but":
        excluded = argument if isinstance(argument, list) else [argument]
        return not any(_rule(item, value) for item in excluded)
    return False
