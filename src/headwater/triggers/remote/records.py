"""A GetRecords record as botocore parsed it, turned back into its wire JSON (aws-facts §1.6),
which is what the trigger consumers put in events: binary values are base64 again and
ApproximateCreationDateTime epoch seconds again."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

import orjson


def _value(value: dict[str, Any]) -> dict[str, Any]:
    (kind, inner), = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(b).decode() for b in inner]}
    if kind == "L":
        return {"L": [_value(v) for v in inner]}
    if kind == "M":
        return {"M": _item(inner)}
    return {kind: inner}


def _item(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _value(v) for name, v in item.items()}


def created_at(record: dict[str, Any]) -> float:
    stamp = record.get("dynamodb", {}).get("ApproximateCreationDateTime")
    if isinstance(stamp, datetime):
        return stamp.timestamp()
    return float(stamp or 0.0)


def wire_record(record: dict[str, Any]) -> bytes:
    body = dict(record)
    change = dict(body.get("dynamodb", {}))
    for image in ("Keys", "NewImage", "OldImage"):
        if image in change:
            change[image] = _item(change[image])
    if "ApproximateCreationDateTime" in change:
        change["ApproximateCreationDateTime"] = created_at(record)
    body["dynamodb"] = change
    return orjson.dumps(body)
