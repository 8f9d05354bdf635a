"""Record building: event names, images by view type, SizeBytes (aws-facts §1.6)."""

from __future__ import annotations

import orjson
import pytest

from headwater.streams.model import format_sequence
from headwater.streams.records import (
    build_record,
    event_name,
    keys_size,
    same_item,
    stored_record_json,
)

KEYS = {"Id": {"N": "101"}}
NEW = {"Id": {"N": "101"}, "Message": {"S": "New item!"}}
CHANGED = {"Id": {"N": "101"}, "Message": {"S": "This item has changed"}}


@pytest.mark.parametrize(("old", "new", "name"), [
    (None, NEW, "INSERT"), (NEW, CHANGED, "MODIFY"), (CHANGED, None, "REMOVE"),
    (None, None, None), (NEW, dict(NEW), None),
])
def test_event_names(old: dict | None, new: dict | None, name: str | None) -> None:
    assert event_name(old, new) == name


@pytest.mark.parametrize(("old_raw", "new", "name"), [
    (orjson.dumps(NEW), NEW, None),  # equal stored bytes: no compare needed
    (b'{"Message":{"S":"New item!"},"Id":{"N":"101"}}', NEW, None),  # other bytes, same item
    (orjson.dumps(NEW), CHANGED, "MODIFY"),
    (orjson.dumps(NEW), None, "REMOVE"),
])
def test_event_names_from_stored_json(old_raw: bytes, new: dict | None,
                                      name: str | None) -> None:
    new_raw = None if new is None else orjson.dumps(new)
    assert event_name(None, new, old_raw, new_raw) == name


def test_an_image_given_as_stored_json_is_spliced_in_with_its_size() -> None:
    record = build_record(name="MODIFY", region="r", view_type="NEW_AND_OLD_IMAGES", keys=KEYS,
                          old=orjson.Fragment(orjson.dumps(NEW)), new=CHANGED, created=1.0,
                          sequence="1", old_size=21)
    assert orjson.loads(orjson.dumps(record))["dynamodb"]["OldImage"] == NEW
    assert record["dynamodb"]["SizeBytes"] == 59
    with pytest.raises(TypeError):
        build_record(name="MODIFY", region="r", view_type="OLD_IMAGE", keys=KEYS,
                     old=orjson.Fragment(b"{}"), new=CHANGED, created=1.0, sequence="1")


def test_sets_compare_unordered_and_nested() -> None:
    assert same_item({"s": {"SS": ["a", "b"]}}, {"s": {"SS": ["b", "a"]}})
    assert same_item({"m": {"M": {"l": {"L": [{"NS": ["1", "2"]}]}}}},
                     {"m": {"M": {"l": {"L": [{"NS": ["2", "1"]}]}}}})
    assert not same_item({"l": {"L": [{"S": "a"}, {"S": "b"}]}},
                         {"l": {"L": [{"S": "b"}, {"S": "a"}]}})


@pytest.mark.parametrize(("old", "new", "size"), [(None, NEW, 26), (NEW, CHANGED, 59),
                                                  (CHANGED, None, 38)])
def test_published_sizes(old: dict | None, new: dict | None, size: int) -> None:
    name = event_name(old, new)
    assert name is not None
    record = build_record(name=name, region="us-east-1", view_type="NEW_AND_OLD_IMAGES",
                          keys=KEYS, old=old, new=new, created=1664559083.9,
                          sequence="100000000000000000001")
    assert record["dynamodb"]["SizeBytes"] == size
    assert record["dynamodb"]["ApproximateCreationDateTime"] == 1664559083.0
    assert "userIdentity" not in record


def test_ttl_identity() -> None:
    record = build_record(name="REMOVE", region="eu-west-1", view_type="KEYS_ONLY", keys=KEYS,
                          old=NEW, new=None, created=0.0, sequence="100000000000000000001",
                          ttl_delete=True)
    assert record["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
    assert record["dynamodb"]["SizeBytes"] == 5 and "OldImage" not in record["dynamodb"]


def _without_event_id(data: bytes) -> bytes:
    """A record's JSON after its eventID (a counter: each record gets the next one)."""
    assert data.startswith(b'{"eventID":"') and data[44:57] == b'","eventName"'
    return data[44:]


@pytest.mark.parametrize("view_type", ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE",
                                       "NEW_AND_OLD_IMAGES"])
@pytest.mark.parametrize(("name", "old", "new"), [("INSERT", None, NEW),
                                                  ("MODIFY", NEW, CHANGED),
                                                  ("REMOVE", CHANGED, None)])
@pytest.mark.parametrize("created", [1664559083.9, 0.0, 0.5, 999_999_999_999_999.0])
def test_stored_record_json_is_what_build_record_gives(
        view_type: str, name: str, old: dict | None, new: dict | None, created: float) -> None:
    keys = {"Id": {"N": "101"}, "é\"\\": {"S": "ü\n"}}
    old_raw = None if old is None else orjson.dumps(old)
    new_raw = None if new is None else orjson.dumps(new)
    fast = stored_record_json(
        name=name, region=orjson.dumps("eu-west-1"), view_type=view_type, keys=keys,
        old_raw=old_raw, new_raw=new_raw, created=created, sequence=42,
        keys_bytes=keys_size(keys), new_size=26, old_size=21)
    general = orjson.dumps(build_record(
        name=name, region="eu-west-1", view_type=view_type, keys=keys,
        old=None if old_raw is None else orjson.Fragment(old_raw),
        new=None if new_raw is None else orjson.Fragment(new_raw), created=created,
        sequence=format_sequence(42), new_size=26, old_size=21))
    assert fast is not None
    assert _without_event_id(fast) == _without_event_id(general)


@pytest.mark.parametrize("created", [1e15, 1e16, -1e15, 1e300])
def test_stored_record_json_leaves_far_times_to_orjson(created: float) -> None:
    """orjson writes 1e16 as "1e16", not "10000000000000000.0": such times (a virtual clock
    moved that far) take build_record."""
    assert stored_record_json(
        name="INSERT", region=b'"r"', view_type="NEW_IMAGE", keys=KEYS, old_raw=None,
        new_raw=orjson.dumps(NEW), created=created, sequence=1, keys_bytes=4, new_size=26,
        old_size=0) is None
