"""Stream record construction: event names, images by view type, SizeBytes (aws-facts §1.6)."""

from __future__ import annotations

import itertools
import secrets
from typing import Any

import orjson

from headwater.dynamodb.item_size import item_size
from headwater.streams.model import SEQUENCE_BASE

# eventIDs need to be unique, not secret: a random per-process prefix and a counter keep the
# system's random source off the write path.
_EVENT_PREFIX = secrets.token_hex(8)
_EVENT_COUNTER = itertools.count(1)
TTL_IDENTITY = {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
SET_TYPES = ("SS", "NS", "BS")


def event_name(old: dict[str, Any] | None, new: dict[str, Any] | None,
               old_raw: bytes | None = None, new_raw: bytes | None = None) -> str | None:
    """INSERT, MODIFY or REMOVE; None when the write changed nothing.

    `old_raw` and `new_raw` are the items' stored JSON when the writer has it; then `old` may
    be None for an item that exists but was not decoded. Equal bytes are the same item; other
    bytes may still be (set members or map entries in another order), so only then is the
    old item decoded and compared."""
    if old is None and old_raw is None:
        return None if new is None else "INSERT"
    if new is None:
        return "REMOVE"
    if old_raw is not None and old_raw == new_raw:
        return None
    if old is None:
        assert old_raw is not None
        old = orjson.loads(old_raw)
    return None if same_item(old, new) else "MODIFY"


# An image as the record holds it: the item, or its stored JSON spliced in as it is.
Image = dict[str, Any] | orjson.Fragment
NEW_VIEWS = ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")
OLD_VIEWS = ("OLD_IMAGE", "NEW_AND_OLD_IMAGES")


def build_record(
    *, name: str, region: str, view_type: str, keys: dict[str, Any],
    old: Image | None, new: Image | None, created: float, sequence: str,
    ttl_delete: bool = False, new_size: int | None = None, old_size: int | None = None,
) -> dict[str, Any]:
    """The record for one change; `new_size` and `old_size` are item_size(new) and
    item_size(old) when the writer knows them (required for an image given as a Fragment:
    the stored JSON, which orjson.dumps splices into the record without decoding it)."""
    body: dict[str, Any] = {"ApproximateCreationDateTime": float(int(created)), "Keys": keys}
    size = keys_size(keys)
    if new is not None and view_type in NEW_VIEWS:
        body["NewImage"] = new
        size += _image_size(new) if new_size is None else new_size
    if old is not None and view_type in OLD_VIEWS:
        body["OldImage"] = old
        size += _image_size(old) if old_size is None else old_size
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


# The bytes orjson.dumps(build_record(...)) gives for a record whose images are stored JSON
# (Fragments) and that has no userIdentity: the same JSON, key for key and byte for byte,
# formatted in one step instead of two dicts built and walked (stored_record_json).
_STORED_RECORD = (
    b'{"eventID":"%b%016x","eventName":"%b","eventVersion":"1.1","eventSource":"aws:dynamodb",'
    b'"awsRegion":%b,"dynamodb":{"ApproximateCreationDateTime":%d.0,"Keys":%b%b,'
    b'"SequenceNumber":"%d","SizeBytes":%d,"StreamViewType":"%b"}}'
)
_EVENT_PREFIX_BYTES = _EVENT_PREFIX.encode()
_NAMES = {name: name.encode() for name in ("INSERT", "MODIFY", "REMOVE")}
_VIEWS = {view: view.encode() for view in ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE",
                                             "NEW_AND_OLD_IMAGES")}
# orjson writes an integral float below 1e16 as "<digits>.0"; keep well inside that.
_PLAIN_SECONDS = 10**15


def stored_record_json(
    *, name: str, region: bytes, view_type: str, keys: dict[str, Any], old_raw: bytes | None,
    new_raw: bytes | None, created: float, sequence: int, keys_bytes: int,
    new_size: int, old_size: int,
) -> bytes | None:
    """The stored JSON of a record whose images are the items' stored JSON, as
    orjson.dumps(build_record(...)) with Fragment images writes it (no userIdentity: not a
    TTL delete); None when this shape does not fit (the caller takes build_record).
    `region` is the region as JSON (orjson.dumps(region)), `sequence` the counter value
    (model.SEQUENCE_BASE added here), `keys_bytes` keys_size(keys)."""
    seconds = int(created)
    view = _VIEWS.get(view_type)
    if view is None or not -_PLAIN_SECONDS < seconds < _PLAIN_SECONDS:
        return None
    images = b""
    size = keys_bytes
    if new_raw is not None and view_type in NEW_VIEWS:
        images = b',"NewImage":' + new_raw
        size += new_size
    if old_raw is not None and view_type in OLD_VIEWS:
        images += b',"OldImage":' + old_raw
        size += old_size
    return _STORED_RECORD % (
        _EVENT_PREFIX_BYTES, next(_EVENT_COUNTER), _NAMES[name], region, seconds,
        orjson.dumps(keys), images, SEQUENCE_BASE + sequence, size, view)


def keys_size(keys: dict[str, Any]) -> int:
    """item_size of a record's Keys, with the string keys' sizes taken directly."""
    size = 0
    for name, av in keys.items():
        value = av.get("S")
        if type(value) is str and name.isascii() and value.isascii():
            size += len(name) + len(value)
        else:
            size += item_size({name: av})
    return size


def _image_size(image: Image) -> int:
    if isinstance(image, orjson.Fragment):
        raise TypeError("an image given as stored JSON needs its size")
    return item_size(image)


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
    # An update's new item shares its untouched values with the old one: no walk for those.
    if a is b or a == b:
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
