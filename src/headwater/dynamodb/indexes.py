"""Secondary indexes: their definitions as a table holds them, the entry an item projects into
each index, and the checks an item's index key attributes must pass on every write."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.keys import encode_key_value
from headwater.dynamodb.values import value_type

INVALID = "One or more parameter values were invalid: "


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    is_global: bool
    hash_name: str
    hash_type: str
    range_name: str | None
    range_type: str | None
    projection_type: str
    non_key_attributes: tuple[str, ...]

    @property
    def key_names(self) -> tuple[str, ...]:
        return (self.hash_name,) if self.range_name is None else (self.hash_name, self.range_name)


def indexes_of(description: dict[str, Any]) -> list[Index]:
    types = {d["AttributeName"]: d["AttributeType"] for d in description["AttributeDefinitions"]}
    found = []
    for member, is_global in (("GlobalSecondaryIndexes", True), ("LocalSecondaryIndexes", False)):
        for definition in description.get(member, []):
            found.append(_index(definition, types, is_global))
    return found


def _index(definition: dict[str, Any], types: dict[str, str], is_global: bool) -> Index:
    hash_name = range_name = None
    for element in definition["KeySchema"]:
        if element["KeyType"] == "HASH":
            hash_name = element["AttributeName"]
        else:
            range_name = element["AttributeName"]
    assert hash_name is not None
    projection = definition["Projection"]
    return Index(
        name=definition["IndexName"], is_global=is_global, hash_name=hash_name,
        hash_type=types[hash_name], range_name=range_name,
        range_type=None if range_name is None else types[range_name],
        projection_type=projection.get("ProjectionType", "ALL"),
        non_key_attributes=tuple(projection.get("NonKeyAttributes", ())),
    )


def check_index_keys(indexes: list[Index], item: dict[str, Any]) -> None:
    """Reject an item whose index key attributes have the wrong type or are empty."""
    for index in indexes:
        for name, expected in ((index.hash_name, index.hash_type),
                               (index.range_name, index.range_type)):
            if name is None or name not in item:
                continue
            actual = value_type(item[name])
            if actual != expected:
                raise ValidationException(
                    f"{INVALID}Type mismatch for Index Key {name} Expected: {expected} "
                    f"Actual: {actual} IndexName: {index.name}"
                )
            if item[name][actual] in ("", b""):
                raise ValidationException(
                    "One or more parameter values are not valid. A value specified for a "
                    "secondary index key is not supported. The AttributeValue for a key attribute "
                    f"cannot contain an empty string value. IndexName: {index.name}, "
                    f"IndexKey: {name}"
                )


def index_entry(index: Index, table_keys: tuple[str, ...], item: dict[str, Any]
                ) -> tuple[bytes, bytes, dict[str, Any]] | None:
    """(index hk, index rk, projected item), or None when the item is not in the (sparse) index."""
    if index.hash_name not in item:
        return None
    if index.range_name is not None and index.range_name not in item:
        return None
    hk = encode_key_value(item[index.hash_name])
    rk = b"" if index.range_name is None else encode_key_value(item[index.range_name])
    return hk, rk, project(index, table_keys, item)


def project(index: Index, table_keys: tuple[str, ...], item: dict[str, Any]) -> dict[str, Any]:
    if index.projection_type == "ALL":
        return item
    wanted = set(table_keys) | set(index.key_names)
    if index.projection_type == "INCLUDE":
        wanted.update(index.non_key_attributes)
    return {name: value for name, value in item.items() if name in wanted}
