"""What a Query or Scan reads: the table itself or one of its secondary indexes, with the key
schema its conditions are checked against and the key attributes its LastEvaluatedKey carries
(an index's keys plus the table's, as AWS returns them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from headwater.dynamodb import indexes
from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.indexes import Index, KeyPart
from headwater.dynamodb.keys import encode_key_value
from headwater.dynamodb.table import Table

INVALID = "One or more parameter values were invalid: "


@dataclass(frozen=True, slots=True)
class KeySpace:
    table: Table
    index: Index | None
    hash_keys: tuple[KeyPart, ...]
    range_keys: tuple[KeyPart, ...]

    @property
    def index_name(self) -> str | None:
        return None if self.index is None else self.index.name

    @property
    def hash_name(self) -> str:
        return self.hash_keys[0][0]

    @property
    def hash_type(self) -> str:
        return self.hash_keys[0][1]

    @property
    def hash_names(self) -> list[str]:
        return [name for name, _ in self.hash_keys]

    @property
    def range_names(self) -> list[str]:
        return [name for name, _ in self.range_keys]

    @property
    def key_names(self) -> list[str]:
        """The key attributes of the table or index read, then (for an index) the table's."""
        names = self.hash_names + self.range_names
        if self.index is not None:
            names.extend(name for name in self.table.key_names if name not in names)
        return names

    @property
    def position_names(self) -> list[tuple[str, str]]:
        """(name, type) of the key attributes that locate a row, in storage order."""
        names = list(self.hash_keys) + list(self.range_keys)
        if self.index is not None:
            table = self.table
            names.append((table.hash_name, table.hash_type))
            if table.range_name is not None and table.range_type is not None:
                names.append((table.range_name, table.range_type))
        return names


def position(space: KeySpace, item: dict[str, Any]) -> tuple[bytes, ...]:
    """Where an index row sits in index order: (index hk, index rk, table hk, table rk), from
    the key attributes every index row's projection holds."""
    assert space.index is not None
    index_key = indexes.index_key(space.index, item)
    assert index_key is not None
    hk, rk = index_key
    table = space.table
    table_rk = b"" if table.range_name is None else encode_key_value(item[table.range_name])
    return hk, rk, encode_key_value(item[table.hash_name]), table_rk


def resolve(table: Table, request: dict[str, Any]) -> KeySpace:
    """The key space a Query or Scan request reads, after AWS's index checks."""
    name = request.get("IndexName")
    if name is None:
        range_keys: tuple[KeyPart, ...] = ()
        if table.range_name is not None and table.range_type is not None:
            range_keys = ((table.range_name, table.range_type),)
        return KeySpace(table, None, ((table.hash_name, table.hash_type),), range_keys)
    index = table.index(name)
    if index is None:
        raise ValidationException(f"The table does not have the specified index: {name}")
    if index.is_global and request.get("ConsistentRead"):
        raise ValidationException("Consistent reads are not supported on global secondary indexes")
    if (request.get("Select") == "ALL_ATTRIBUTES" and index.is_global
            and index.projection_type != "ALL"):
        raise ValidationException(
            f"{INVALID}Select type ALL_ATTRIBUTES is not supported for global secondary index "
            f"{name} because its projection type is not ALL")
    return KeySpace(table, index, index.hash_keys, index.range_keys)
