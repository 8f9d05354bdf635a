"""Resource properties checked against the resource provider schemas that cfn-lint ships
(the registry's own schemas, kept current by cfn-lint's releases): unknown properties, missing
required ones and wrong types, in CloudFormation's words ("Properties validation failed for
resource X with message: #: extraneous key [Foo] is not permitted"). Values still holding an
intrinsic function are checked once resolved. `coerce` turns the strings templates use for
numbers and booleans ("5", "true") into the types the services' APIs take."""

from __future__ import annotations

import functools
import re
from typing import Any

from jsonschema import Draft7Validator, ValidationError, validators

from headwater.cloudformation.template.intrinsics import function_of

JSON_TYPES = {"string": "String", "integer": "Integer", "number": "Number",
              "boolean": "Boolean", "object": "JSONObject", "array": "JSONArray",
              "null": "Null"}


class UnknownType(Exception):
    pass


@functools.cache
def schema_for(resource_type: str) -> dict[str, Any]:
    """The provider schema of `resource_type`; UnknownType when CloudFormation has none."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER, ResourceNotFoundError
    try:
        found: dict[str, Any] = PROVIDER_SCHEMA_MANAGER.get_resource_schema(
            "us-east-1", resource_type).schema
    except ResourceNotFoundError:
        raise UnknownType(resource_type) from None
    return found


def known(resource_type: str) -> bool:
    try:
        schema_for(resource_type)
    except UnknownType:
        return False
    return True


@functools.cache
def create_only(resource_type: str) -> frozenset[str]:
    """Top-level properties whose change replaces the resource."""
    return frozenset(path.split("/")[2] for path in schema_for(resource_type).get(
        "createOnlyProperties", []) if path.startswith("/properties/"))


def _as_number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            return int(value) if value.lstrip("-").isdigit() else float(value)
        except ValueError:
            return None
    return None


# Java regex classes some schemas use, in Python's closest terms (as wire/rest_json.py does).
JAVA_CLASSES = {r"\p{L}": r"\w", r"\p{Z}": r"\s", r"\p{N}": r"\d", r"\p{M}": r"\w",
                r"\p{S}": r"\W", r"\p{P}": r"\W", r"\p{C}": r"\W"}


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str] | None:
    for java, python in JAVA_CLASSES.items():
        pattern = pattern.replace(java, python)
    try:
        return re.compile(pattern)
    except re.error:
        return None  # a pattern Python cannot read is not checked


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    if isinstance(instance, str):
        compiled = _compiled(pattern)
        if compiled is not None and compiled.search(instance) is None:
            yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = validators.extend(Draft7Validator, {"pattern": _pattern})


@functools.cache
def _validator(resource_type: str) -> Any:
    schema = dict(schema_for(resource_type))
    # The read-only properties are what GetAtt returns; a template may not set them, which
    # `additionalProperties: false` with them listed would not catch: drop them.
    read_only = {path.split("/")[2] for path in schema.get("readOnlyProperties", [])
                 if path.count("/") == 2}
    schema["properties"] = {k: v for k, v in schema.get("properties", {}).items()
                            if k not in read_only}
    return _Validator(schema)


def problems(resource_type: str, properties: Any) -> list[str]:
    """What is wrong with `properties`, as CloudFormation's messages name it; subtrees holding
    an intrinsic function are left for after resolution."""
    if isinstance(properties, dict):
        properties = coerce(resource_type, properties)
    found: list[ValidationError] = []
    try:
        for error in _validator(resource_type).iter_errors(properties):
            found.append(error)
    except TypeError:
        pass  # a keyword met a value of another type than it checks; the type error is found
    return [_message(error) for error in sorted(found, key=lambda e: [str(p) for p in
                                                                        e.absolute_path])
            if not _holds_function(error.instance)]


def _holds_function(value: Any) -> bool:
    if function_of(value) is not None:
        return True
    if isinstance(value, dict):
        return any(_holds_function(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_function(item) for item in value)
    return False


def _message(error: ValidationError) -> str:
    path = "#" + "".join(f"/{part}" for part in error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = error.schema.get("properties", {})
        extra = [key for key in error.instance if key not in allowed
                 and not any(re.search(p, key)
                             for p in error.schema.get("patternProperties", {}))]
        return f"{path}: extraneous key [{', '.join(extra)}] is not permitted"
    if error.validator == "required":
        missing = str(error.message).split("'")[1]
        return f"{path}: required key [{missing}] not found"
    if error.validator == "type":
        expected = error.validator_value
        names = [str(JSON_TYPES.get(t, t)) for t in (expected if isinstance(expected, list)
                                                 else [expected])]
        return (f"{path}: expected type: {'/'.join(names)}, found: "
                f"{_json_type(error.instance)}")
    if error.validator == "pattern":
        return f"{path}: failed validation constraint for keyword [pattern]"
    if error.validator == "enum":
        return f"{path}: {error.instance} is not a valid enum value"
    if error.validator in ("minLength", "maxLength", "minimum", "maximum", "minItems",
                           "maxItems"):
        sized = str(error.validator).endswith(("Length", "Items"))
        actual = len(error.instance) if sized else error.instance
        return f"{path}: expected {error.validator}: {error.validator_value}, actual: {actual}"
    return f"{path}: {error.message}"


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int | float):
        return "Number" if isinstance(value, float) else "Integer"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "JSONArray"
    if isinstance(value, dict):
        return "JSONObject"
    return "Null"


def coerce(resource_type: str, properties: dict[str, Any]) -> dict[str, Any]:
    """`properties` with number and boolean strings converted where the schema types them."""
    schema = schema_for(resource_type)
    return dict(_coerce(properties, {"type": "object", "properties": schema.get(
        "properties", {})}, schema))


def _coerce(value: Any, schema: dict[str, Any], root: dict[str, Any]) -> Any:
    schema = _deref(schema, root)
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds] if kinds else []
    for choice in ("oneOf", "anyOf"):
        for branch in schema.get(choice, []):
            branch = _deref(branch, root)
            if branch.get("type") in ("object", "array") or "properties" in branch:
                return _coerce(value, branch, root)
    if isinstance(value, dict):
        members = schema.get("properties", {})
        return {key: _coerce(item, members[key], root) if key in members else item
                for key, item in value.items()}
    if isinstance(value, list) and "items" in schema:
        return [_coerce(item, schema["items"], root) for item in value]
    if isinstance(value, str) and "string" not in kinds:
        if "integer" in kinds and _as_number(value) is not None:
            return int(float(value))
        if "number" in kinds and _as_number(value) is not None:
            return _as_number(value)
        if "boolean" in kinds and value.lower() in ("true", "false"):
            return value.lower() == "true"
    return value


def _deref(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while isinstance(schema, dict) and "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target.get(part, {})
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def warm(resource_types: list[str]) -> None:
    """Load cfn-lint's schema index, the schemas of `resource_types` and the SAM translator
    now (about a second of imports), so the first CreateStack does not hold the event loop."""
    for resource_type in resource_types:
        _validator(resource_type)
        create_only(resource_type)
    import samtranslator.translator.transform  # noqa: F401
