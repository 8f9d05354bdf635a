"""What a Query or Scan reads: the table itself or one of its secondary indexes, with the key
schema its conditions are checked against and the key attributes its LastEvaluatedKey carries
(an index's keys plus the table's, as AWS returns them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.indexes import Index
from headwater.dynamodb.keys import encode_key_value
from headwater.dynamodb.table import Table

INVALID = "One or more parameter values were invalid: "


@dataclass(frozen=True, slots=True)
class KeySpace:
    table: Table
    index: Index | None
    hash_name: str
    hash_type: str
    range_name: str | None
    range_type: str | None

    @property
    def index_name(self) -> str | None:
        return None if self.index is None else self.index.name

    @property
    def position_names(self) -> list[tuple[str, str]]:
        """(name, type) of the key attributes that locate a row, in storage order."""
        names = [(self.hash_name, self.hash_type)]
        if self.range_name is not None and self.range_type is not None:
            names.append((self.range_name, self.range_type))
        if self.index is not None:
            table = self.table
            names.append((table.hash_name, table.hash_type))
            if table.range_name is not None and table.range_type is not None:
                names.append((table.range_name, table.range_type))
        return names


def position(space: KeySpace, item: dict[str, Any]) -> tuple[bytes, ...]:
    """Where an index row sits in index order: (index hk, index rk, table hk, table rk), from
    the key attributes every index row's projection holds."""
    encoded = [encode_key_value(item[name]) for name, _ in space.position_names]
    if space.range_name is None:
        encoded.insert(1, b"")
    if space.table.range_name is None:
        encoded.append(b"")
    return tuple(encoded)


def resolve(table: Table, request: dict[str, Any]) -> KeySpace:
    """The key space a Query or Scan request reads, after AWS's index checks."""
    name = request.get("IndexName")
    if name is None:
        return KeySpace(table, None, table.hash_name, table.hash_type, table.range_name,
                        table.range_type)
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
    return KeySpace(table, index, index.hash_name, index.hash_type, index.range_name,
                    index.range_type)
