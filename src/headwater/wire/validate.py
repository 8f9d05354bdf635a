"""Request validation compiled from botocore input shapes, in AWS's server wording.

Collects every violation (required, type, length, range, enum, pattern; maxima too, which
botocore's client never checks) into one ValidationException:
"2 validation errors detected: Value 'x' at 'tableName' failed to satisfy constraint: ...; ...".
Type mismatches are SerializationExceptions, as AWS's JSON deserialiser reports them.

What the deserialiser does to the request is done here too, so operations see only what AWS's
would: a JSON null member of a structure counts as absent and is removed, and so is a member the
model does not name (Coral skips unknown fields). A null element of a list or a null map value is
a ValidationException in Coral's collection wording, reported at the collection: "Value '[null]'
at 'entries' failed to satisfy constraint: Member must satisfy constraint: [Member must not be
null]" (recorded from AWS by floci's Cognito suite), "Map value must satisfy constraint: [...]"
for maps (the wording DynamoDB answers for a RequestItems value out of range). An opaque shape's
value (DynamoDB's AttributeValue) must still be a JSON object, as its union deserialiser demands.
"""

from __future__ import annotations

import re
import sys
import weakref
from collections.abc import Callable, Mapping
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from headwater.wire.errors import SerializationException, ValidationException

Check = Callable[[Any, str, list[str]], None]

# Shapes whose contents a service validates itself with its own messages (DynamoDB's
# attribute values: "Supplied AttributeValue is empty, ...").
OPAQUE_SHAPES = frozenset({"AttributeValue"})
MAX_REPORTED = 10
MAX_PASSED = 1024  # patterned strings a check remembers as valid
DEFAULT_PACKAGE = "com.amazonaws.dynamodb.v20120810"


def render(value: Any) -> str:
    """Java-style rendering of a value as AWS messages show it. Iterative: a request may nest
    lists 1,000 levels deep, past Python's recursion limit."""
    out: list[str] = []
    pending: list[Any] = [value]
    while pending:
        item = pending.pop()
        if item is None:
            out.append("null")
        elif isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, list):
            out.append("[")
            pending.append("]")
            for index in range(len(item) - 1, -1, -1):
                pending.append(item[index])
                if index:
                    pending.append(", ")
        elif isinstance(item, dict):
            out.append("{")
            pending.append("}")
            entries = list(item.items())
            for index in range(len(entries) - 1, -1, -1):
                key, member = entries[index]
                pending.append(member)
                pending.append(f"{key}=")
                if index:
                    pending.append(", ")
        else:
            out.append(str(item))
    return "".join(out)


def _describe(value: Any) -> str:
    return "null" if value is None else f"'{render(value)}'"


def _member_path(prefix: str, step: str) -> str:
    return f"{prefix}.{step}" if prefix else step


def _report(value: Any, path: str, failures: list[str], errors: list[str]) -> None:
    prefix = f"Value {_describe(value)} at '{path}' failed to satisfy constraint: Member must"
    errors.extend(f"{prefix} {failure}" for failure in failures)


# The Java classes AWS's JSON front end names when a JSON array arrives for a scalar.
_JAVA_CLASSES = {
    "String": "class java.lang.String", "Integer": "class java.lang.Integer",
    "Long": "class java.lang.Long", "Double": "class java.lang.Double",
    "Boolean": "class java.lang.Boolean", "Blob": "class java.nio.ByteBuffer",
    "Date": "class java.util.Date",
}
NOT_A_STRUCTURE = "Start of structure or map found where not expected"
UNEXPECTED_FIELD = "Unexpected field type"
# What AWS's union deserialiser (DynamoDB's AttributeValue) says of a value that is not an object.
NOT_A_UNION_VALUE = "Unexpected value type in payload"
# Coral's constraint on the elements of a list and the values of a map, broken by a null.
NULL_ELEMENT = "satisfy constraint: [Member must not be null]"
NULL_MAP_VALUE = "Map value must satisfy constraint: [Member must not be null]"


def _json_token(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE_VALUE" if value else "FALSE_VALUE"
    if isinstance(value, int):
        return "NUMBER_VALUE"
    if isinstance(value, float):
        return "DECIMAL_VALUE"
    return "STRING_VALUE"


def type_mismatch(value: Any, expected: str) -> str:
    """AWS's wording for a JSON value of the wrong type where a scalar of type `expected`
    ("String", "Integer", "Long", "Double", "Boolean", "Blob", "Date") belongs.

    Current AWS JSON front end, as dynalite's suite records it against live DynamoDB:
    "NUMBER_VALUE cannot be converted to String", "Unrecognized collection type class
    java.lang.String", "only base-64-encoded strings are convertible to bytes".
    """
    if isinstance(value, dict):
        return NOT_A_STRUCTURE
    if isinstance(value, list):
        return f"Unrecognized collection type {_JAVA_CLASSES.get(expected, expected)}"
    if expected == "Blob":
        return "only base-64-encoded strings are convertible to bytes"
    if expected == "Boolean" and isinstance(value, str):
        return "Unexpected token received from parser"
    return f"{_json_token(value)} cannot be converted to {expected}"


def _serialization(value: Any, expected: str) -> SerializationException:
    return SerializationException(type_mismatch(value, expected))


def _container_mismatch(value: Any, collection: str) -> SerializationException:
    """A wrong JSON value where a structure, list or map belongs; `collection` is the Java
    type AWS names when an array arrives for a structure or map (None for lists)."""
    if isinstance(value, dict):
        return SerializationException(NOT_A_STRUCTURE)
    if isinstance(value, list):
        return SerializationException(f"Unrecognized collection type {collection}")
    return SerializationException(UNEXPECTED_FIELD)


# Java's Unicode classes, which AWS's patterns use (IAM's and STS's tag keys and values:
# `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`) and Python's `re` lacks: letters, separators and digits
# of the main scripts, spelled as ranges so they also work inside a character class.
JAVA_CLASSES = {
    r"\p{L}": ("A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02c1"
               "\u0370-\u03ff\u0400-\u052f\u0531-\u0556\u05d0-\u05ea\u0620-\u064a"
               "\u0800-\u1fff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3\uf900-\ufaff"),
    r"\p{Z}": " \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000",
    r"\p{N}": "0-9\u00b2\u00b3\u00b9\u00bc-\u00be\u0660-\u0669\u06f0-\u06f9"
               "\u0966-\u096f\uff10-\uff19",
}


def java_pattern(pattern: str) -> re.Pattern[str]:
    """A model's (Java) regular expression as a Python one."""
    for java, python in JAVA_CLASSES.items():
        pattern = pattern.replace(java, python)
    return re.compile(pattern)


def _scalar(shape: Shape) -> Check:
    meta = shape.metadata
    type_name = shape.type_name
    lo, hi = meta.get("min"), meta.get("max")
    enum = meta.get("enum")
    pattern = java_pattern(meta["pattern"]) if "pattern" in meta else None

    def check(value: Any, path: str, errors: list[str]) -> None:
        if type_name == "string":
            if not isinstance(value, str):
                raise _serialization(value, "String")
            size: int | float = len(value)
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
            failures.append(f"satisfy regular expression pattern: {meta['pattern']}")
        if lo is not None and size < lo:
            failures.append(f"have {kind} greater than or equal to {lo}")
        if hi is not None and size > hi:
            failures.append(f"have {kind} less than or equal to {hi}")
        if failures:
            _report(value, path, failures, errors)

    if type_name == "string" and enum is None and pattern is None:
        # The usual string member (an attribute name, a key): a string of an allowed length
        # passes at once; anything else takes the full check for its messages.
        low, high = (0 if lo is None else lo), hi

        def check_string(value: Any, path: str, errors: list[str]) -> None:
            if type(value) is str and low <= len(value) and (high is None
                                                             or len(value) <= high):
                return
            check(value, path, errors)

        _PLAIN_LENGTHS[check_string] = (low, sys.maxsize if high is None else high)
        return check_string
    if type_name == "string" and enum is None:
        # A patterned string (a table name): the values that passed are remembered, a bounded
        # number of them, so a name seen before passes without the pattern and lengths.
        passed: dict[str, None] = {}

        def check_patterned(value: Any, path: str, errors: list[str]) -> None:
            if type(value) is str and value in passed:
                return
            mark = len(errors)
            check(value, path, errors)
            if len(errors) == mark and len(passed) < MAX_PASSED:
                passed[value] = None

        return check_patterned
    return check


# The allowed lengths of each plain string check (`check_string`): a map checks its keys
# against them inline, calling the check only for a key outside them (for its messages).
_PLAIN_LENGTHS: weakref.WeakKeyDictionary[Check, tuple[int, int]] = weakref.WeakKeyDictionary()


def name_or_arn(name: Shape, arn: Shape, prefix: str = "arn:") -> Check:
    """A value that is either an ARN (it starts with `prefix`), checked against shape `arn`, or a
    name, checked against shape `name` with the name's own messages (DynamoDB's TableName: a
    table ARN or a 3-255 character name; `models.py` `*name_or_arn`). Whether the ARN names
    something is the service's call."""
    name_check, arn_check = _scalar(name), _scalar(arn)

    def check(value: Any, path: str, errors: list[str]) -> None:
        if isinstance(value, str) and value.startswith(prefix):
            arn_check(value, path, errors)
        else:
            name_check(value, path, errors)

    return check


def _structure(shape: StructureShape, cache: dict[str, Check], package: str) -> Check:
    members: list[tuple[str, str, Check, bool]] = []
    by_name: dict[str, tuple[str, Check]] = {}
    # Integer members a JSON number with a zero fraction (2.0) was accepted for: the Java
    # integer it deserialises to is what operations get.
    integral = frozenset(name for name, member in shape.members.items()
                         if member.type_name in ("integer", "long"))
    required = [name for name in shape.members if name in set(shape.required_members)]
    known = frozenset(shape.members)
    java_type = f"class {package}.{shape.name}"

    def in_order(value: dict[str, Any], path: str, errors: list[str]) -> None:
        """Every member in the model's order: errors collected (and the first type error
        raised) in the order AWS reports them."""
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

    def check(value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, dict):
            raise _container_mismatch(value, java_type)
        if None in value.values() or not known.issuperset(value):
            dropped = [name for name, item in value.items()
                       if item is None or name not in known]
            for name in dropped:
                del value[name]
        # Only the members present, in the request's order, with paths built only when a
        # member fails: then everything again in the model's order, for AWS's error order.
        mark = len(errors)
        try:
            for name in required:
                if name not in value:
                    raise _Again
            for name, item in value.items():
                step, member_check = by_name[name]
                member_check(item, step if not path else f"{path}.{step}", errors)
            if len(errors) != mark:
                raise _Again
        except (_Again, SerializationException):
            del errors[mark:]
            in_order(value, path, errors)
        if integral:
            for name in integral.intersection(value):
                if type(value[name]) is float:
                    value[name] = int(value[name])

    cache[shape.name] = check
    for name, member in shape.members.items():
        step = name[:1].lower() + name[1:]
        member_check = compile_shape(member, cache, package)
        members.append((name, step, member_check, name in required))
        by_name[name] = (step, member_check)
    return check


class _Again(Exception):
    """A quick pass over a request found something to report: check it again in order."""


def _check_count(value: list[Any] | dict[str, Any], path: str, lo: int | None, hi: int | None,
                 errors: list[str]) -> None:
    failures = []
    if lo is not None and len(value) < lo:
        failures.append(f"have length greater than or equal to {lo}")
    if hi is not None and len(value) > hi:
        failures.append(f"have length less than or equal to {hi}")
    if failures:
        _report(value, path, failures, errors)


def _list(shape: ListShape, cache: dict[str, Check], package: str) -> Check:
    lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
    element = compile_shape(shape.member, cache, package)
    opaque = shape.member.name in OPAQUE_SHAPES

    def check(value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, list):
            raise _container_mismatch(value, "")
        _check_count(value, path, lo, hi, errors)
        if not opaque and None in value:
            _report(value, path, [NULL_ELEMENT], errors)
        for index, item in enumerate(value, start=1):
            if item is not None or opaque:
                element(item, f"{path}.{index}.member", errors)

    return check


def _map(shape: MapShape, cache: dict[str, Check], package: str) -> Check:
    lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
    key = compile_shape(shape.key, cache, package)
    value_check = compile_shape(shape.value, cache, package)
    value_type = (f"{package}.{shape.value.name}" if shape.value.type_name == "structure"
                  else _JAVA_CLASSES.get(shape.value.type_name.capitalize(), "java.lang.String")
                  .removeprefix("class "))
    java_type = f"java.util.Map<java.lang.String, {value_type}>"
    opaque = shape.value.name in OPAQUE_SHAPES
    # A plain string key of an allowed length passes without a call (none passes otherwise).
    key_low, key_high = _PLAIN_LENGTHS.get(key, (1, 0))

    def in_order(value: dict[str, Any], path: str, errors: list[str]) -> None:
        for name, item in value.items():
            key(name, f"{path}.key", errors)
            if item is not None or opaque:
                value_check(item, f"{path}.{name}.member", errors)

    def check(value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, dict):
            raise _container_mismatch(value, java_type)
        _check_count(value, path, lo, hi, errors)
        if not opaque and None in value.values():
            errors.append(f"Value '{render(value)}' at '{path}' failed to satisfy constraint: "
                          f"{NULL_MAP_VALUE}")
        # A quick pass without the entries' paths; again with them if anything is reported.
        mark = len(errors)
        try:
            for name, item in value.items():
                if not (type(name) is str and key_low <= len(name) <= key_high):
                    key(name, path, errors)
                if opaque:
                    if type(item) is not dict:
                        raise _Again
                elif item is not None:
                    value_check(item, path, errors)
            if len(errors) != mark:
                raise _Again
        except (_Again, SerializationException):
            del errors[mark:]
            in_order(value, path, errors)

    return check


def _opaque(shape: Shape, package: str) -> Check:
    """An object the service checks inside itself; anything else is refused as AWS's union
    deserialiser refuses it (values.py in DynamoDB uses the same words)."""
    as_list = f"Unrecognized collection type class {package}.{shape.name}"

    def check(value: Any, path: str, errors: list[str]) -> None:
        if isinstance(value, dict):
            return
        raise SerializationException(as_list if isinstance(value, list) else NOT_A_UNION_VALUE)

    return check


def compile_shape(shape: Shape, cache: dict[str, Check] | None = None,
                  package: str = DEFAULT_PACKAGE) -> Check:
    cache = {} if cache is None else cache
    if shape.name in OPAQUE_SHAPES:
        return _opaque(shape, package)
    if shape.type_name != "structure" and shape.name in cache:
        return cache[shape.name]  # a check given by the caller (`compile_input` `overrides`)
    if shape.type_name == "structure":
        if shape.name in cache:
            cached = cache[shape.name]
            return lambda value, path, errors: cached(value, path, errors)
        return _structure(shape, cache, package)
    if shape.type_name == "list":
        return _list(shape, cache, package)
    if shape.type_name == "map":
        return _map(shape, cache, package)
    return _scalar(shape)


def compile_input(shape: StructureShape | None, package: str = DEFAULT_PACKAGE,
                  overrides: Mapping[str, Check] | None = None
                  ) -> Callable[[dict[str, Any]], None]:
    """A validator for an operation's input: raises the collected ValidationException.

    `package` is the Java package AWS names in type-mismatch messages
    ("com.amazonaws.dynamodb.v20120810"); `overrides` gives the checks of some scalar shapes
    by name (`name_or_arn`).
    """
    if shape is None:
        return lambda request: None
    check = compile_shape(shape, dict(overrides or {}), package)

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
