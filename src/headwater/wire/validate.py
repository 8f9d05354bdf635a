"""Request validation compiled from botocore input shapes, in AWS's server wording.

Collects every violation (required, type, length, range, enum, pattern; maxima too, which
botocore's client never checks) into one ValidationException:
"2 validation errors detected: Value 'x' at 'tableName' failed to satisfy constraint: ...; ...".
Type mismatches are SerializationExceptions, as AWS's JSON deserialiser reports them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from headwater.wire.errors import SerializationException, ValidationException

Check = Callable[[Any, str, list[str]], None]

# Shapes whose contents a service validates itself with its own messages (DynamoDB's
# attribute values: "Supplied AttributeValue is empty, ...").
OPAQUE_SHAPES = frozenset({"AttributeValue"})
MAX_REPORTED = 10


def render(value: Any) -> str:
    """Java-style rendering of a value as AWS messages show it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(render(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={render(v)}" for k, v in value.items()) + "}"
    return str(value)


def _describe(value: Any) -> str:
    return "null" if value is None else f"'{render(value)}'"


def _member_path(prefix: str, step: str) -> str:
    return f"{prefix}.{step}" if prefix else step


def _report(value: Any, path: str, failures: list[str], errors: list[str]) -> None:
    prefix = f"Value {_describe(value)} at '{path}' failed to satisfy constraint: Member must"
    errors.extend(f"{prefix} {failure}" for failure in failures)


def _serialization(value: Any, expected: str) -> SerializationException:
    kind = {
        bool: "BOOLEAN_VALUE", int: "NUMBER_VALUE", float: "NUMBER_VALUE", str: "STRING_VALUE",
    }.get(type(value))
    if isinstance(value, dict):
        return SerializationException("Start of structure or map found where not expected.")
    if isinstance(value, list):
        return SerializationException("Start of list found where not expected")
    if expected == "String":
        return SerializationException(f"{kind} cannot be converted to {expected}")
    return SerializationException(f"{kind} can not be converted to an {expected}")


def _scalar(shape: Shape) -> Check:
    meta = shape.metadata
    type_name = shape.type_name
    lo, hi = meta.get("min"), meta.get("max")
    enum = meta.get("enum")
    pattern = re.compile(meta["pattern"]) if "pattern" in meta else None

    def check(value: Any, path: str, errors: list[str]) -> None:
        if type_name == "string":
            if not isinstance(value, str):
                raise _serialization(value, "String")
            size = len(value)
            kind = "length"
        elif type_name in ("integer", "long"):
            if isinstance(value, bool) or not isinstance(value, int):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                else:
                    raise _serialization(value, "Integer" if type_name == "integer" else "Long")
            size = value
            kind = "value"
        elif type_name in ("double", "float"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise _serialization(value, "Double")
            size = value
            kind = "value"
        elif type_name == "boolean":
            if not isinstance(value, bool):
                raise _serialization(value, "Boolean")
            return
        elif type_name == "blob":
            if not isinstance(value, str):
                raise _serialization(value, "Blob")
            size = (len(value) * 3) // 4
            kind = "length"
        elif type_name == "timestamp":
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise _serialization(value, "Date")
            return
        else:
            return
        failures = []
        if enum is not None and value not in enum:
            failures.append(f"satisfy enum value set: [{', '.join(enum)}]")
        # AWS reports a pattern violation before a length one ('a;' at 'tableName').
        if pattern is not None and isinstance(value, str) and not pattern.fullmatch(value):
            failures.append(f"satisfy regular expression pattern: {pattern.pattern}")
        if lo is not None and size < lo:
            failures.append(f"have {kind} greater than or equal to {lo}")
        if hi is not None and size > hi:
            failures.append(f"have {kind} less than or equal to {hi}")
        if failures:
            _report(value, path, failures, errors)

    return check


def _structure(shape: StructureShape, cache: dict[str, Check]) -> Check:
    members: list[tuple[str, str, Check, bool]] = []
    required = set(shape.required_members)

    def check(value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, dict):
            raise _serialization(value, "Structure")
        for name, step, member_check, is_required in members:
            item = value.get(name)
            if item is None:
                if is_required:
                    errors.append(
                        f"Value null at '{_member_path(path, step)}' failed to satisfy "
                        "constraint: Member must not be null"
                    )
                continue
            member_check(item, _member_path(path, step), errors)

    cache[shape.name] = check
    for name, member in shape.members.items():
        step = name[:1].lower() + name[1:]
        members.append((name, step, compile_shape(member, cache), name in required))
    return check


def _check_count(value: list[Any] | dict[str, Any], path: str, lo: int | None, hi: int | None,
                 errors: list[str]) -> None:
    failures = []
    if lo is not None and len(value) < lo:
        failures.append(f"have length greater than or equal to {lo}")
    if hi is not None and len(value) > hi:
        failures.append(f"have length less than or equal to {hi}")
    if failures:
        _report(value, path, failures, errors)


def _list(shape: ListShape, cache: dict[str, Check]) -> Check:
    lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
    element = compile_shape(shape.member, cache)

    def check(value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, list):
            raise _serialization(value, "List")
        _check_count(value, path, lo, hi, errors)
        for index, item in enumerate(value, start=1):
            if item is not None:
                element(item, f"{path}.{index}.member", errors)

    return check


def _map(shape: MapShape, cache: dict[str, Check]) -> Check:
    lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
    key = compile_shape(shape.key, cache)
    value_check = compile_shape(shape.value, cache)

    def check(value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, dict):
            raise _serialization(value, "Map")
        _check_count(value, path, lo, hi, errors)
        for name, item in value.items():
            key(name, f"{path}.key", errors)
            if item is not None:
                value_check(item, f"{path}.{name}.member", errors)

    return check


def _opaque(value: Any, path: str, errors: list[str]) -> None:
    return None


def compile_shape(shape: Shape, cache: dict[str, Check] | None = None) -> Check:
    cache = {} if cache is None else cache
    if shape.name in OPAQUE_SHAPES:
        return _opaque
    if shape.type_name == "structure":
        if shape.name in cache:
            cached = cache[shape.name]
            return lambda value, path, errors: cached(value, path, errors)
        return _structure(shape, cache)  # type: ignore[arg-type]
    if shape.type_name == "list":
        return _list(shape, cache)  # type: ignore[arg-type]
    if shape.type_name == "map":
        return _map(shape, cache)  # type: ignore[arg-type]
    return _scalar(shape)


def compile_input(shape: StructureShape | None) -> Callable[[dict[str, Any]], None]:
    """A validator for an operation's input: raises the collected ValidationException."""
    if shape is None:
        return lambda request: None
    check = compile_shape(shape)

    def validate(request: dict[str, Any]) -> None:
        errors: list[str] = []
        check(request, "", errors)
        if errors:
            raise validation_error(errors)

    return validate


def validation_error(errors: list[str]) -> ValidationException:
    # AWS stops collecting at ten: nine empty LocalSecondaryIndexes (27 violations) are
    # reported as "10 validation errors detected" (dynalite test/createTable.js).
    count = min(len(errors), MAX_REPORTED)
    noun = "error" if count == 1 else "errors"
    shown = "; ".join(errors[:MAX_REPORTED])
    return ValidationException(f"{count} validation {noun} detected: {shown}")
