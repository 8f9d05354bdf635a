"""ConsumedCapacity as DynamoDB reports it: reads in 4 KB units (half for eventually
consistent reads), writes in 1 KB units."""

from __future__ import annotations

import math
from typing import Any


def read_units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / 4096))
    return float(units) if consistent else units / 2


def write_units(size: int) -> float:
    return float(max(1, math.ceil(size / 1024)))


def consumed(table_name: str, units: float, mode: str | None, *, read: bool | None = None
             ) -> dict[str, Any] | None:
    """The ConsumedCapacity member for ReturnConsumedCapacity `mode`, or None for NONE."""
    if mode not in ("TOTAL", "INDEXES"):
        return None
    result: dict[str, Any] = {"TableName": table_name, "CapacityUnits": units}
    if read is True:
        result["ReadCapacityUnits"] = units
    elif read is False:
        result["WriteCapacityUnits"] = units
    if mode == "INDEXES":
        table: dict[str, Any] = {"CapacityUnits": units}
        if read is True:
            table["ReadCapacityUnits"] = units
        elif read is False:
            table["WriteCapacityUnits"] = units
        result["Table"] = table
    return result
