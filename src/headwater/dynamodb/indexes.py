"""Secondary indexes: their definitions as a table holds them, the entry an item projects into
each index, and the checks an item's index key attributes must pass on every write.

A GSI key may have up to four HASH and four RANGE attributes (AWS "Multi-attribute keys
pattern"); an item is in the index only when it has every one of them. composite_keys.py
says how several attributes make one stored key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from headwater.dynamodb import composite_keys
from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.keys import MAX_HASH_KEY_BYTES, MAX_RANGE_KEY_BYTES, encode_key_value
from headwater.dynamodb.values import value_type

INVALID = "One or more parameter values were invalid: "

KeyPart = tuple[str, str]  # attribute name, attribute type


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    is_global: bool
    hash_keys: tuple[KeyPart, ...]
    range_keys: tuple[KeyPart, ...]
    projection_type: str
    non_key_attributes: tuple[str, ...]
    # Derived once per index, not on every write (index_key, key_problem and project read
    # them for each item, project once per attribute).
    # (name, type, is_hash) of every key attribute, in key schema order.
    key_parts: tuple[tuple[str, str, bool], ...] = field(init=False, repr=False, compare=False)
    key_names: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = (tuple((name, type_, True) for name, type_ in self.hash_keys)
                 + tuple((name, type_, False) for name, type_ in self.range_keys))
        object.__setattr__(self, "key_parts", parts)
        object.__setattr__(self, "key_names", tuple(name for name, _, _ in parts))

    @property
    def hash_name(self) -> str:
        return self.hash_keys[0][0]

    @property
    def range_name(self) -> str | None:
        return self.range_keys[0][0] if self.range_keys else None

    @property
    def is_multi_attribute(self) -> bool:
        return len(self.hash_keys) > 1 or len(self.range_keys) > 1

    def projects(self, name: str, table_keys: tuple[str, ...]) -> bool:
        """Whether the index holds attribute `name` of its items."""
        return (self.projection_type == "ALL" or name in table_keys or name in self.key_names
                or (self.projection_type == "INCLUDE" and name in self.non_key_attributes))


def indexes_of(description: dict[str, Any]) -> list[Index]:
    types = {d["AttributeName"]: d["AttributeType"] for d in description["AttributeDefinitions"]}
    found = []
    for member, is_global in (("GlobalSecondaryIndexes", True), ("LocalSecondaryIndexes", False)):
        for definition in description.get(member, []):
            found.append(index_of(definition, types, is_global))
    return found


def index_of(definition: dict[str, Any], types: dict[str, str], is_global: bool) -> Index:
    schema = definition["KeySchema"]
    projection = definition["Projection"]
    return Index(
        name=definition["IndexName"], is_global=is_global,
        hash_keys=tuple((k["AttributeName"], types[k["AttributeName"]])
                        for k in schema if k["KeyType"] == "HASH"),
        range_keys=tuple((k["AttributeName"], types[k["AttributeName"]])
                         for k in schema if k["KeyType"] == "RANGE"),
        projection_type=projection.get("ProjectionType", "ALL"),
        non_key_attributes=tuple(projection.get("NonKeyAttributes", ())),
    )


def key_problem(index: Index, item: dict[str, Any]) -> str | None:
    """AWS's message when a present index key attribute of `item` has the wrong type, is empty
    or is too large; None when every present one is fine."""
    for name, expected, is_hash in index.key_parts:
        if name not in item:
            continue
        actual = value_type(item[name])
        if actual != expected:
            return (f"{INVALID}Type mismatch for Index Key {name} Expected: {expected} "
                    f"Actual: {actual} IndexName: {index.name}")
        if actual == "N":
            continue  # numbers are range-checked on parse and always fit
        size = len(encode_key_value(item[name]))
        if size == 0:
            return ("One or more parameter values are not valid. A value specified for a "
                    "secondary index key is not supported. The AttributeValue for a key attribute "
                    f"cannot contain an empty string value. IndexName: {index.name}, "
                    f"IndexKey: {name}")
        limit = MAX_HASH_KEY_BYTES if is_hash else MAX_RANGE_KEY_BYTES
        if size > limit:
            # Recorded AWS wording for a GSI partition key; the sort-key limit is worded alike.
            return (f"{INVALID}Size limit exceeded for Index Key {name} Actual Size: {size} "
                    f"bytes Max Size: {limit} bytes IndexName: {index.name}")
    return None


def check_index_keys(indexes: list[Index], item: dict[str, Any]) -> None:
    """Reject an item whose index key attributes have the wrong type, are empty or too large."""
    for index in indexes:
        problem = key_problem(index, item)
        if problem is not None:
            raise ValidationException(problem)


def index_key(index: Index, item: dict[str, Any]) -> tuple[bytes, bytes] | None:
    """(index hk, index rk) of an item, or None when it lacks a key attribute (sparse index)."""
    if any(name not in item for name in index.key_names):
        return None
    hk = composite_keys.encode([item[name] for name, _ in index.hash_keys])
    rk = (composite_keys.encode([item[name] for name, _ in index.range_keys])
          if index.range_keys else b"")
    return hk, rk


def index_entry(index: Index, table_keys: tuple[str, ...], item: dict[str, Any]
                ) -> tuple[bytes, bytes, dict[str, Any]] | None:
    """(index hk, index rk, projected item), or None when the item is not in the (sparse) index."""
    key = index_key(index, item)
    if key is None:
        return None
    return key[0], key[1], project(index, table_keys, item)


def project(index: Index, table_keys: tuple[str, ...], item: dict[str, Any]) -> dict[str, Any]:
    if index.projection_type == "ALL":
        return item
    return {name: value for name, value in item.items() if index.projects(name, table_keys)}
