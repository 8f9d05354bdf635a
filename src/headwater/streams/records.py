"""Stream record construction: event names, images by view type, SizeBytes (aws-facts §1.6)."""

from __future__ import annotations

import itertools
import secrets
from typing import Any

from headwater.dynamodb.item_size import item_size

# eventIDs need to be unique, not secret: a random per-process prefix and a counter keep the
# system's random source off the write path.
_EVENT_PREFIX = secrets.token_hex(8)
_EVENT_COUNTER = itertools.count(1)
TTL_IDENTITY = {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
SET_TYPES = ("SS", "NS", "BS")


def event_name(old: dict[str, Any] | None, new: dict[str, Any] | None) -> str | None:
    """INSERT, MODIFY or REMOVE; None when the write changed nothing."""
    if old is None:
        return None if new is None else "INSERT"
    if new is None:
        return "REMOVE"
    return None if same_item(old, new) else "MODIFY"


def build_record(
    *, name: str, region: str, view_type: str, keys: dict[str, Any],
    old: dict[str, Any] | None, new: dict[str, Any] | None, created: float, sequence: str,
    ttl_delete: bool = False, new_size: int | None = None, old_size: int | None = None,
) -> dict[str, Any]:
    """The record for one change; `new_size` and `old_size` are item_size(new) and
    item_size(old) when the writer knows them."""
    body: dict[str, Any] = {"ApproximateCreationDateTime": float(int(created)), "Keys": keys}
    size = item_size(keys)
    if new is not None and view_type in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
        body["NewImage"] = new
        size += item_size(new) if new_size is None else new_size
    if old is not None and view_type in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
        body["OldImage"] = old
        size += item_size(old) if old_size is None else old_size
    body["SequenceNumber"] = sequence
    body["SizeBytes"] = size
    body["StreamViewType"] = view_type
    record: dict[str, Any] = {
        "eventID": f"{_EVENT_PREFIX}{next(_EVENT_COUNTER):016x}",
        "eventName": name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": body,
    }
    if ttl_delete:
        record["userIdentity"] = dict(TTL_IDENTITY)
    return record


def reissue_record(record: dict[str, Any], *, region: str, created: float, sequence: str
                   ) -> dict[str, Any]:
    """Another stream's record of the same change (global tables: the source replica's),
    as this stream records it: its own event id, region, time and sequence number; the
    event name, keys, images, size and view type are the same. A replicated TTL delete is
    an ordinary delete in the receiving region (no service `userIdentity`)."""
    body = dict(record["dynamodb"])
    body["ApproximateCreationDateTime"] = float(int(created))
    body["SequenceNumber"] = sequence
    return {
        "eventID": f"{_EVENT_PREFIX}{next(_EVENT_COUNTER):016x}",
        "eventName": record["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": body,
    }


def same_item(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a.keys() != b.keys():
        return False
    return all(_same_value(a[name], b[name]) for name in a)


def _same_value(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a == b:
        return True
    (type_a, value_a), = a.items()
    (type_b, value_b), = b.items()
    if type_a != type_b:
        return False
    if type_a in SET_TYPES:
        return sorted(value_a) == sorted(value_b)
    if type_a == "M":
        return same_item(value_a, value_b)
    if type_a == "L":
        return len(value_a) == len(value_b) and all(map(_same_value, value_a, value_b))
    return False
