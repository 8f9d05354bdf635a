"""Checks on KeySchema/AttributeDefinitions shared by tables and indexes (dynalite's
validations/createTable.js records AWS's wording)."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.errors import ValidationException

INVALID = "One or more parameter values were invalid: "


def check_key_schema(key_schema: list[dict[str, Any]], definitions: list[dict[str, Any]]) -> None:
    if len(key_schema) > 2:
        raise ValidationException(
            f"1 validation error detected: Value '{_render(key_schema)}' at 'keySchema' failed to "
            "satisfy constraint: Member must have length less than or equal to 2"
        )
    defined = [d["AttributeName"] for d in definitions]
    keys = [k["AttributeName"] for k in key_schema]
    if len(keys) > len(defined):
        raise ValidationException("Invalid KeySchema: Some index key attribute have no definition")
    if any(key not in defined for key in keys):
        raise ValidationException(
            f"{INVALID}Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(keys)}], AttributeDefinitions: [{', '.join(defined)}]"
        )
    if len(keys) == 2 and keys[0] == keys[1]:
        raise ValidationException(
            "Both the Hash Key and the Range Key element in the KeySchema have the same name"
        )
    if key_schema[0]["KeyType"] != "HASH":
        raise ValidationException(
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
        )
    if len(key_schema) == 2 and key_schema[1]["KeyType"] != "RANGE":
        raise ValidationException(
            "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"
        )


def check_definitions(definitions: list[dict[str, Any]], used: set[str]) -> None:
    names = [d["AttributeName"] for d in definitions]
    # AWS names the repeated attribute (scylladb/scylladb#13870, recorded against DynamoDB);
    # "Cannot have two attributes with the same name" is DynamoDB Local's wording.
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValidationException(f"Attribute Name is duplicated: {name}")
        seen.add(name)
    if set(names) != used:
        raise ValidationException(
            f"{INVALID}Number of attributes in KeySchema does not exactly match number of "
            "attributes defined in AttributeDefinitions"
        )


def _render(key_schema: list[dict[str, Any]]) -> str:
    parts = [f"KeySchemaElement(attributeName={k['AttributeName']}, keyType={k['KeyType']})"
             for k in key_schema]
    return "[" + ", ".join(parts) + "]"
