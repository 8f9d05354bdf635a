"""Stream records: exact fields for each view type, SizeBytes by AWS's formula (aws-facts §1.6,
the published examples give INSERT 26, MODIFY 59, REMOVE 38), and which writes make records
(§2.2)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from streams_support import create_stream_table, read_stream

ID = {"Id": {"N": "101"}}
NEW = {"Id": {"N": "101"}, "Message": {"S": "New item!"}}
CHANGED = {"Id": {"N": "101"}, "Message": {"S": "This item has changed"}}


def _insert_modify_remove(ddb: Any, streams: Any, view_type: str) -> list[dict[str, Any]]:
    name, arn = create_stream_table(ddb, view_type, key="Id", key_type="N")
    ddb.put_item(TableName=name, Item=NEW)
    ddb.put_item(TableName=name, Item=CHANGED)
    ddb.delete_item(TableName=name, Key=ID)
    records = read_stream(streams, arn)
    ddb.delete_table(TableName=name)
    return records


def test_new_and_old_images_match_the_published_example(ddb: Any, streams: Any) -> None:
    insert, modify, remove = _insert_modify_remove(ddb, streams, "NEW_AND_OLD_IMAGES")
    assert [r["eventName"] for r in (insert, modify, remove)] == ["INSERT", "MODIFY", "REMOVE"]
    assert insert["dynamodb"]["SizeBytes"] == 26
    assert modify["dynamodb"]["SizeBytes"] == 59
    assert remove["dynamodb"]["SizeBytes"] == 38
    assert insert["dynamodb"]["NewImage"] == NEW and "OldImage" not in insert["dynamodb"]
    assert modify["dynamodb"]["NewImage"] == CHANGED and modify["dynamodb"]["OldImage"] == NEW
    assert remove["dynamodb"]["OldImage"] == CHANGED and "NewImage" not in remove["dynamodb"]
    for record in (insert, modify, remove):
        assert set(record) == {"eventID", "eventName", "eventVersion", "eventSource",
                               "awsRegion", "dynamodb"}
        assert re.fullmatch(r"[0-9a-f]{32}", record["eventID"])
        assert record["eventVersion"] == "1.1"
        assert record["eventSource"] == "aws:dynamodb"
        assert record["awsRegion"] == "us-east-1"
        body = record["dynamodb"]
        assert body["Keys"] == ID
        assert body["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        assert re.fullmatch(r"\d{21,40}", body["SequenceNumber"])
        assert body["ApproximateCreationDateTime"].microsecond == 0
    sequences = [int(r["dynamodb"]["SequenceNumber"]) for r in (insert, modify, remove)]
    assert sequences == sorted(sequences) and len(set(sequences)) == 3


@pytest.mark.parametrize(("view_type", "sizes", "images"), [
    ("KEYS_ONLY", [5, 5, 5], [set(), set(), set()]),
    ("NEW_IMAGE", [26, 38, 5], [{"NewImage"}, {"NewImage"}, set()]),
    ("OLD_IMAGE", [5, 26, 38], [set(), {"OldImage"}, {"OldImage"}]),
])
def test_images_and_sizes_by_view_type(ddb: Any, streams: Any, view_type: str,
                                       sizes: list[int], images: list[set[str]]) -> None:
    records = _insert_modify_remove(ddb, streams, view_type)
    assert [r["dynamodb"]["SizeBytes"] for r in records] == sizes
    for record, expected in zip(records, images, strict=True):
        present = {k for k in ("NewImage", "OldImage") if k in record["dynamodb"]}
        assert present == expected
        assert record["dynamodb"]["StreamViewType"] == view_type
        assert record["dynamodb"]["Keys"] == ID


def test_keys_only_with_a_range_key(ddb: Any, streams: Any) -> None:
    name, arn = create_stream_table(ddb, "KEYS_ONLY", key="ForumName", range_key="Subject")
    item = {"ForumName": {"S": "DynamoDB"}, "Subject": {"S": "DynamoDB Thread 3"},
            "Views": {"N": "0"}}
    ddb.put_item(TableName=name, Item=item)
    (record,) = read_stream(streams, arn)
    # 9 + 8 for ForumName, 7 + 17 for Subject: the published KEYS_ONLY example gives 41.
    assert record["dynamodb"]["SizeBytes"] == 41
    assert record["dynamodb"]["Keys"] == {"ForumName": {"S": "DynamoDB"},
                                          "Subject": {"S": "DynamoDB Thread 3"}}


def test_unchanged_writes_and_missing_deletes_make_no_record(ddb: Any, streams: Any) -> None:
    name, arn = create_stream_table(ddb)
    item = {"pk": {"S": "a"}, "tags": {"SS": ["x", "y"]}, "n": {"N": "1.0"}}
    ddb.put_item(TableName=name, Item=item)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "tags": {"SS": ["y", "x"]},
                                       "n": {"N": "1"}})
    ddb.update_item(TableName=name, Key={"pk": {"S": "a"}},
                    UpdateExpression="SET n = :n", ExpressionAttributeValues={":n": {"N": "1"}})
    ddb.delete_item(TableName=name, Key={"pk": {"S": "missing"}})
    records = read_stream(streams, arn)
    assert [r["eventName"] for r in records] == ["INSERT"]


def test_failed_condition_makes_no_record(ddb: Any, streams: Any) -> None:
    name, arn = create_stream_table(ddb)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}},
                     ConditionExpression="attribute_not_exists(pk)")
    assert [r["eventName"] for r in read_stream(streams, arn)] == ["INSERT"]


def test_update_item_paths(ddb: Any, streams: Any) -> None:
    name, arn = create_stream_table(ddb)
    key = {"pk": {"S": "u"}}
    ddb.update_item(TableName=name, Key=key, UpdateExpression="SET a = :a, b = :b",
                    ExpressionAttributeValues={":a": {"S": "1"}, ":b": {"S": "2"}})
    ddb.update_item(TableName=name, Key=key, UpdateExpression="REMOVE a, b")
    insert, modify = read_stream(streams, arn)
    assert insert["eventName"] == "INSERT"
    assert insert["dynamodb"]["NewImage"] == {"pk": {"S": "u"}, "a": {"S": "1"}, "b": {"S": "2"}}
    assert modify["eventName"] == "MODIFY"
    # Removing every non-key attribute leaves a key-only image, not a missing one.
    assert modify["dynamodb"]["NewImage"] == key
    assert modify["dynamodb"]["OldImage"] == insert["dynamodb"]["NewImage"]


def test_no_user_identity_on_ordinary_writes(ddb: Any, streams: Any) -> None:
    name, arn = create_stream_table(ddb)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    ddb.delete_item(TableName=name, Key={"pk": {"S": "a"}})
    assert all("userIdentity" not in r for r in read_stream(streams, arn))
