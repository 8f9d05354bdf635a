"""`headwater stream`'s record lines: value rendering, the old -> new image diff, the whole line
and the JSON wire form (src/headwater/streams/record_lines.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from headwater.streams.record_lines import (
    MAX_VALUE_CHARS,
    image_diff,
    record_json,
    record_line,
    render_keys,
    render_value,
    short_shard_id,
)

SHARD = "shardId-00000001795797331920-304c47e9"


@pytest.mark.parametrize(("value", "text"), [
    ({"S": "Ada"}, '"Ada"'),
    ({"S": 'say "hi"'}, '"say \\"hi\\""'),
    ({"N": "-1.50"}, "-1.50"),
    ({"B": b"\x00\xff"}, "0x00ff"),
    ({"BOOL": True}, "true"),
    ({"BOOL": False}, "false"),
    ({"NULL": True}, "null"),
    ({"SS": ["a", "b"]}, '<<"a", "b">>'),
    ({"NS": ["1", "2"]}, "<<1, 2>>"),
    ({"BS": [b"\x01"]}, "<<0x01>>"),
    ({"L": [{"N": "1"}, {"S": "x"}]}, '[1, "x"]'),
    ({"M": {"a": {"M": {"b": {"NULL": True}}}}}, "{a: {b: null}}"),
    ({"L": []}, "[]"),
])
def test_render_value(value: dict[str, Any], text: str) -> None:
    assert render_value(value) == text


def test_long_values_are_cut() -> None:
    text = render_value({"S": "x" * 100})
    assert len(text) == MAX_VALUE_CHARS and text.endswith("...") and text.startswith('"xxx')


def test_keys_follow_the_key_schema() -> None:
    keys = {"sk": {"N": "3"}, "pk": {"S": "u1"}}
    assert render_keys(keys, ["pk", "sk"]) == 'pk="u1" sk=3'
    assert render_keys(keys) == 'sk=3 pk="u1"'


def test_diff_of_a_modify_shows_changed_added_and_removed_by_name() -> None:
    old = {"pk": {"S": "u1"}, "age": {"N": "36"}, "nick": {"S": "a"}, "same": {"BOOL": True}}
    new = {"pk": {"S": "u1"}, "age": {"N": "37"}, "email": {"S": "a@x"}, "same": {"BOOL": True}}
    assert image_diff("MODIFY", old, new, ["pk"]) == \
        'age: 36 -> 37, +email="a@x", -nick="a"'


def test_diff_compares_whole_values() -> None:
    old = {"tags": {"SS": ["a"]}, "m": {"M": {"x": {"N": "1"}}}}
    new = {"tags": {"SS": ["a", "b"]}, "m": {"M": {"x": {"N": "1"}}}}
    assert image_diff("MODIFY", old, new) == 'tags: <<"a">> -> <<"a", "b">>'


def test_insert_adds_and_remove_removes_everything_but_the_keys() -> None:
    item = {"pk": {"S": "u1"}, "name": {"S": "Ada"}, "n": {"N": "1"}}
    assert image_diff("INSERT", None, item, ["pk"]) == '+n=1, +name="Ada"'
    assert image_diff("REMOVE", item, None, ["pk"]) == '-n=1, -name="Ada"'


def test_an_unchanged_modify_says_so() -> None:
    item = {"pk": {"S": "u1"}, "n": {"N": "1"}}
    assert image_diff("MODIFY", item, dict(item), ["pk"]) == "(no change)"


def test_one_sided_modify_shows_the_image_it_has() -> None:
    item = {"pk": {"S": "u1"}, "n": {"N": "2"}}
    assert image_diff("MODIFY", None, item, ["pk"]) == "new: n=2"
    assert image_diff("MODIFY", item, None, ["pk"]) == "old: n=2"
    assert image_diff("MODIFY", None, {"pk": {"S": "u1"}}, ["pk"]) == "new: (keys only)"


def test_keys_only_records_have_no_diff() -> None:
    assert image_diff("MODIFY", None, None, ["pk"]) == ""
    assert image_diff("INSERT", None, None, ["pk"]) == ""


def test_an_item_of_only_its_key_adds_or_removes_nothing() -> None:
    key = {"pk": {"S": "u1"}}
    assert image_diff("INSERT", None, key, ["pk"]) == ""
    assert image_diff("REMOVE", key, None, ["pk"]) == ""


def _record(event: str, **change: Any) -> dict[str, Any]:
    return {
        "eventID": "e" * 32, "eventName": event, "eventVersion": "1.1",
        "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": datetime(2026, 11, 27, 16, 35, 31, tzinfo=UTC),
            "Keys": {"pk": {"S": "u1"}}, "SequenceNumber": "100000000000000000005",
            "SizeBytes": 12, "StreamViewType": "NEW_AND_OLD_IMAGES", **change,
        },
    }


def test_record_line() -> None:
    record = _record("MODIFY", OldImage={"pk": {"S": "u1"}, "n": {"N": "1"}},
                     NewImage={"pk": {"S": "u1"}, "n": {"N": "2"}})
    assert record_line(record, SHARD, ["pk"]) == \
        '2026-11-27T16:35:31 304c47e9 100000000000000000005 MODIFY pk="u1" | n: 1 -> 2'


def test_record_line_marks_ttl_deletions_and_omits_an_empty_diff() -> None:
    record = _record("REMOVE")
    record["dynamodb"]["StreamViewType"] = "KEYS_ONLY"
    record["userIdentity"] = {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
    assert record_line(record, SHARD, ["pk"]) == \
        '2026-11-27T16:35:31 304c47e9 100000000000000000005 REMOVE pk="u1" [TTL]'


def test_short_shard_id() -> None:
    assert short_shard_id(SHARD) == "304c47e9"
    assert short_shard_id("odd") == "odd"


def test_record_json_is_the_wire_shape() -> None:
    record = _record("INSERT", NewImage={"pk": {"S": "u1"}, "b": {"B": b"\x00\x01"},
                                         "bs": {"BS": [b"\x02"]}})
    wire = json.loads(record_json(record))
    assert wire["dynamodb"]["ApproximateCreationDateTime"] == 1795797331.0
    assert wire["dynamodb"]["NewImage"]["b"] == {"B": "AAE="}
    assert wire["dynamodb"]["NewImage"]["bs"] == {"BS": ["Ag=="]}
    assert wire["eventName"] == "INSERT" and "\n" not in record_json(record)
