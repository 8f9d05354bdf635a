"""ConsumedCapacity as DynamoDB reports it: reads in 4 KB units (half for eventually
consistent reads), writes in 1 KB units, each charged where it happened: to the table, or to
the secondary index that was read or had an entry written (developer guide "Capacity unit
consumption", "Provisioned throughput considerations for Global Secondary Indexes").

With ReturnConsumedCapacity TOTAL the response carries the sum; with INDEXES it also breaks the
sum down into `Table`, `GlobalSecondaryIndexes` and `LocalSecondaryIndexes`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from headwater.dynamodb.indexes import index_entry
from headwater.dynamodb.item_size import item_size
from headwater.dynamodb.table import Table

# The ReturnConsumedCapacity values that return a ConsumedCapacity member.
REPORTED = ("TOTAL", "INDEXES")


def read_units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / 4096))
    return float(units) if consistent else units / 2


def write_units(size: int) -> float:
    return float(max(1, math.ceil(size / 1024)))


@dataclass(slots=True)
class Charge:
    """Capacity units charged to one table and to each of its indexes, by index name."""
    table: float = 0.0
    indexes: dict[str, tuple[bool, float]] = field(default_factory=dict)  # (is_global, units)

    @property
    def total(self) -> float:
        return self.table + sum(units for _, units in self.indexes.values())

    def add(self, other: Charge, times: float = 1.0) -> None:
        self.table += other.table * times
        for name, (is_global, units) in other.indexes.items():
            earlier = self.indexes.get(name, (is_global, 0.0))[1]
            self.indexes[name] = (is_global, earlier + units * times)


def index_read(table: Table, index_name: str, units: float) -> Charge:
    """A Query or Scan of a secondary index: its reads are the index's, not the table's."""
    index = table.index(index_name)
    is_global = True if index is None else index.is_global
    return Charge(0.0, {index_name: (is_global, units)})


def item_write(table: Table, old: dict[str, Any] | None, new: dict[str, Any] | None,
               size: int | None = None, old_size: int | None = None) -> Charge:
    """A write of one item: the larger of its old and new sizes to the table (an overwrite
    costs max(old, new)), and to each index the entries it had to write or delete. `size`
    and `old_size` are the items' sizes when the caller knows them (`old_size` also of an
    old item the caller did not decode: `old` None, `old_size` 0 when there was none)."""
    new_size = 0 if new is None else (item_size(new) if size is None else size)
    if old_size is None:
        old_size = 0 if old is None else item_size(old)
    charge = Charge(write_units(max(new_size, old_size)))
    for index in table.indexes:
        units = _index_write_units(index_entry(index, table.key_names, old) if old else None,
                                   index_entry(index, table.key_names, new) if new else None)
        if units:
            charge.indexes[index.name] = (index.is_global, units)
    return charge


def write_consumed(charges: list[Any] | None, request: dict[str, Any], table: Table,
                   old: dict[str, Any] | None, new: dict[str, Any] | None,
                   size: int | None = None, old_size: int | None = None
                   ) -> dict[str, Any] | None:
    """A single-item write's ConsumedCapacity member, or None; the charge (item sizes and every
    index's entries) is worked out only when the request asks for capacity or `charges` (the
    request context's metrics sink) takes it."""
    mode = request.get("ReturnConsumedCapacity")
    if mode not in REPORTED:
        if charges is not None and not table.indexes:
            # Metrics only, no index entries: the table's units as a plain charge.
            new_size = 0 if new is None else (item_size(new) if size is None else size)
            if old_size is None:
                old_size = 0 if old is None else item_size(old)
            charges.append((request["TableName"], write_units(max(new_size, old_size)), None))
            return None
        if charges is None:
            return None
    return consumed(charges, request["TableName"], item_write(table, old, new, size, old_size),
                    mode)


def _index_write_units(before: tuple[bytes, bytes, dict[str, Any]] | None,
                       after: tuple[bytes, bytes, dict[str, Any]] | None) -> float:
    """The developer guide's rules: a new entry is one write, a removed entry one write, a
    changed index key two (delete and put), a changed projection one, nothing else none; each
    write is 1 KB units of the entry's size."""
    if before is None and after is None:
        return 0.0
    if before is None:
        assert after is not None
        return write_units(item_size(after[2]))
    if after is None:
        return write_units(item_size(before[2]))
    if before[:2] != after[:2]:
        return write_units(item_size(before[2])) + write_units(item_size(after[2]))
    if before[2] != after[2]:
        return write_units(item_size(after[2]))
    return 0.0


def consumed(charges: list[Any] | None, table_name: str, units: float | Charge,
             mode: str | None, *, read: bool | None = None) -> dict[str, Any] | None:
    """The ConsumedCapacity member for ReturnConsumedCapacity `mode`, or None for NONE; the
    charge is also reported to `charges` (the request context's sink) when it is a list."""
    if charges is not None:
        charges.append((table_name, units, read))
    if mode not in REPORTED:
        return None
    charge = units if isinstance(units, Charge) else Charge(units)
    result: dict[str, Any] = {"TableName": table_name, **_capacity(charge.total, read)}
    if mode == "INDEXES":
        result["Table"] = _capacity(charge.table, read)
        for member, is_global in (("GlobalSecondaryIndexes", True),
                                  ("LocalSecondaryIndexes", False)):
            shown = {name: _capacity(used, read)
                     for name, (global_, used) in charge.indexes.items() if global_ == is_global}
            if shown:
                result[member] = shown
    return result


def _capacity(units: float, read: bool | None) -> dict[str, float]:
    capacity = {"CapacityUnits": units}
    if read is True:
        capacity["ReadCapacityUnits"] = units
    elif read is False:
        capacity["WriteCapacityUnits"] = units
    return capacity
