"""Routing records to ParallelizationFactor lanes (aws-facts §4.1): the fast path that decodes
only a record's Keys gives exactly the lane of the whole decoded record, for any key text, key
type, view type and images; anything laid out otherwise falls back to decoding it all."""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headwater.streams.records import build_record
from headwater.triggers import lanes
from headwater.triggers.events import event_record
from headwater.triggers.lanes import lane_of, lane_of_blob

ARN = orjson.dumps("arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-01-01T00:00:00")
# Text that could confuse a scanner: braces, quotes, backslashes, the markers themselves.
TRICKY = st.lists(st.sampled_from([*'{}",:\\ aZ\u00e9\u2028', '}},"', '"Keys":{', "\\u0022"]),
                  min_size=1, max_size=12).map("".join)
VALUES = st.one_of(
    TRICKY.map(lambda t: {"S": t}),
    st.integers(-10**30, 10**30).map(lambda n: {"N": str(n)}),
    st.binary(min_size=1, max_size=20).map(lambda b: {"B": base64.b64encode(b).decode()}))


def lane_whole(event: bytes, hash_key: str | None) -> int:
    return lane_of(orjson.loads(event), hash_key, 10)


@settings(max_examples=300, deadline=None)
@given(hash_name=TRICKY, hash_value=VALUES, range_key=st.none() | st.tuples(TRICKY, VALUES),
       view=st.sampled_from(["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]),
       image=st.dictionaries(TRICKY, VALUES, max_size=3))
def test_the_keys_alone_give_the_lane_of_the_whole_record(
        hash_name: str, hash_value: dict[str, str], range_key: tuple[str, Any] | None,
        view: str, image: dict[str, Any]) -> None:
    keys = {hash_name: hash_value}
    if range_key is not None and range_key[0] != hash_name:
        keys[range_key[0]] = range_key[1]
    item = {**image, **keys}
    record = build_record(name="MODIFY", region="us-east-1", view_type=view, keys=keys,
                          old=item, new=item, created=1767225600.5, sequence="1" * 21)
    event = event_record(orjson.dumps(record), ARN)
    assert lane_of_blob(event, hash_name, 10) == lane_whole(event, hash_name)


def test_other_layouts_are_decoded_whole() -> None:
    keys = {"pk": {"S": "a"}}
    decoy = {"Keys": {"M": {"pk": {"S": "other"}}}, "pk": {"S": "a"}}
    # Keys after an image that holds an attribute named Keys; Keys last; no anchor at all.
    for body in ({"ApproximateCreationDateTime": 1.0, "NewImage": decoy, "Keys": keys},
                 {"ApproximateCreationDateTime": 1.0, "Keys": keys},
                 {"Keys": keys, "NewImage": decoy}):
        event = orjson.dumps({"eventName": "INSERT", "dynamodb": body})
        assert lane_of_blob(event, "pk", 10) == lane_whole(event, "pk")
    event = orjson.dumps({"dynamodb": {"ApproximateCreationDateTime": 1.0, "Keys": keys,
                                       "SequenceNumber": "1"}})
    assert lane_of_blob(event, None, 10) == lane_whole(event, None)
    assert lane_of_blob(event, "missing", 10) == lane_whole(event, "missing")
    assert lane_of_blob(event, "pk", 1) == 0


def test_one_key_always_takes_one_lane_and_keys_spread_over_all(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def decoded_whole(*args: Any) -> int:
        raise AssertionError("a stream's record took the slow path")

    monkeypatch.setattr(lanes, "lane_of", decoded_whole)

    def lane(key: str, n: int) -> int:
        record = build_record(name="INSERT", region="us-east-1", view_type="NEW_IMAGE",
                              keys={"pk": {"S": key}}, old=None,
                              new={"pk": {"S": key}, "n": {"N": str(n)}}, created=1.0,
                              sequence=str(n).zfill(21))
        return lane_of_blob(event_record(orjson.dumps(record), ARN), "pk", 10)

    assert all(lane("k7", n) == lane("k7", 0) for n in range(5))
    assert {lane(f"k{i}", 0) for i in range(200)} == set(range(10))
