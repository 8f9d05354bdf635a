"""Checks on KeySchema/AttributeDefinitions shared by tables and indexes (dynalite's
validations/createTable.js records AWS's wording; the multi-attribute GSI rules are worded as
ack-api-quirks DDB-TABLE-123 and its message catalogue DDB-TABLE-442 record them)."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.errors import ValidationException

INVALID = "One or more parameter values were invalid: "
MAX_GSI_KEY_PARTS = 4  # HASH attributes, and RANGE attributes, of one GSI key schema


def check_key_schema(key_schema: list[dict[str, Any]], definitions: list[dict[str, Any]]) -> None:
    """A table's or an LSI's key schema: one HASH, then at most one RANGE."""
    if len(key_schema) > 2:
        raise ValidationException(
            f"1 validation error detected: Value '{_render(key_schema)}' at 'keySchema' failed to "
            "satisfy constraint: Member must have length less than or equal to 2"
        )
    _check_defined(key_schema, definitions)
    keys = [k["AttributeName"] for k in key_schema]
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


def check_gsi_key_schema(key_schema: list[dict[str, Any]],
                         definitions: list[dict[str, Any]]) -> None:
    """A GSI's key schema: one to four HASH attributes, then up to four RANGE attributes."""
    kinds = [k["KeyType"] for k in key_schema]
    for kind in ("HASH", "RANGE"):
        if kinds.count(kind) > MAX_GSI_KEY_PARTS:
            raise ValidationException(
                f"{INVALID}The KeySchema exceeds the maximum allowed number of {kind} key "
                "attributes")
    _check_defined(key_schema, definitions)
    keys = [k["AttributeName"] for k in key_schema]
    if len(set(keys)) != len(keys):
        if len(keys) == 2:
            raise ValidationException(
                "Both the Hash Key and the Range Key element in the KeySchema have the same name")
        raise ValidationException("The KeySchema contains multiple key attributes with the same "
                                  "name")
    if kinds[0] != "HASH":
        raise ValidationException(
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if "RANGE" in kinds and "HASH" in kinds[kinds.index("RANGE"):]:
        raise ValidationException(
            f"{INVALID}All HASH key attributes must precede RANGE key attributes in the KeySchema")


def _check_defined(key_schema: list[dict[str, Any]], definitions: list[dict[str, Any]]) -> None:
    defined = [d["AttributeName"] for d in definitions]
    keys = [k["AttributeName"] for k in key_schema]
    if len(keys) > len(defined):
        raise ValidationException("Invalid KeySchema: Some index key attribute have no definition")
    if any(key not in defined for key in keys):
        raise ValidationException(
            f"{INVALID}Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(keys)}], AttributeDefinitions: [{', '.join(defined)}]"
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
