"""The write path's shortcuts for stream records (issue 19): PutItem splices the stored JSON of
both images into the record without decoding the old item, tells "no change" from equal bytes,
and guesses insert-or-overwrite from the table's previous PutItem. Each test crosses a boundary
between a shortcut and the general path and checks the records are what the general path
makes."""

from __future__ import annotations

from typing import Any

import pytest
from streams_support import create_stream_table, new_name, read_stream

ITEM = {"pk": {"S": "a"}, "tags": {"SS": ["x", "y"]}, "n": {"N": "1.50"},
        "m": {"M": {"one": {"N": "1"}, "two": {"L": [{"S": "2"}, {"BOOL": True}]}}}}
STORED = {"pk": {"S": "a"}, "tags": {"SS": ["x", "y"]}, "n": {"N": "1.5"},
          "m": {"M": {"one": {"N": "1"}, "two": {"L": [{"S": "2"}, {"BOOL": True}]}}}}


def test_the_same_item_again_makes_no_record(ddb: Any, streams: Any) -> None:
    name, arn = create_stream_table(ddb)
    ddb.put_item(TableName=name, Item=ITEM)
    ddb.put_item(TableName=name, Item=ITEM)  # identical stored bytes
    # The same item spelled differently: another set order, "1.5" for "1.50", the map's
    # entries in another order. Its stored JSON differs; the items do not.
    ddb.put_item(TableName=name, Item={
        "m": {"M": {"two": {"L": [{"S": "2"}, {"BOOL": True}]}, "one": {"N": "1.0"}}},
        "n": {"N": "1.5"}, "tags": {"SS": ["y", "x"]}, "pk": {"S": "a"}})
    (record,) = read_stream(streams, arn)
    assert record["eventName"] == "INSERT"
    assert record["dynamodb"]["NewImage"] == STORED


def test_an_overwrite_after_inserts_carries_the_old_image(ddb: Any, streams: Any) -> None:
    name, arn = create_stream_table(ddb)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "b"}, "v": {"N": "2"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "3"}})  # guessed insert
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "4"}})  # read first
    ddb.put_item(TableName=name, Item={"pk": {"S": "c"}, "v": {"N": "5"}})  # read first
    ddb.put_item(TableName=name, Item={"pk": {"S": "d"}, "v": {"N": "6"}})  # guessed insert
    # Keys spread over shards: put the records back in write order.
    records = sorted(read_stream(streams, arn),
                     key=lambda r: int(r["dynamodb"]["SequenceNumber"]))
    assert [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records] == [
        ("INSERT", "a"), ("INSERT", "b"), ("MODIFY", "a"), ("MODIFY", "a"), ("INSERT", "c"),
        ("INSERT", "d")]
    modify = records[2]["dynamodb"]
    assert modify["OldImage"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
    assert modify["NewImage"] == {"pk": {"S": "a"}, "v": {"N": "3"}}
    assert modify["SizeBytes"] == 3 + 6 + 6
    assert records[3]["dynamodb"]["OldImage"] == {"pk": {"S": "a"}, "v": {"N": "3"}}
    assert "OldImage" not in records[5]["dynamodb"]
    assert ddb.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"] == {
        "pk": {"S": "a"}, "v": {"N": "4"}}


@pytest.mark.parametrize(("view_type", "images", "size"), [
    ("KEYS_ONLY", set(), 3),
    ("NEW_IMAGE", {"NewImage"}, 3 + 10),
    ("OLD_IMAGE", {"OldImage"}, 3 + 8),
])
def test_an_overwrite_under_each_view_type(ddb: Any, streams: Any, view_type: str,
                                           images: set[str], size: int) -> None:
    name, arn = create_stream_table(ddb, view_type)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "s": {"S": "old1"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "s": {"S": "newer1"}})
    _, modify = read_stream(streams, arn)
    body = modify["dynamodb"]
    assert modify["eventName"] == "MODIFY"
    assert {k for k in ("NewImage", "OldImage") if k in body} == images
    assert body["SizeBytes"] == size
    assert body.get("OldImage", {"pk": {"S": "a"}, "s": {"S": "old1"}}) == {
        "pk": {"S": "a"}, "s": {"S": "old1"}}


def test_overwrites_that_look_inside_the_old_item(ddb: Any, streams: Any) -> None:
    name, arn = create_stream_table(ddb)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    old = ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "2"}},
                       ReturnValues="ALL_OLD")
    assert old["Attributes"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "3"}},
                 ConditionExpression="v = :two", ExpressionAttributeValues={":two": {"N": "2"}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "9"}},
                     ConditionExpression="v = :two",
                     ExpressionAttributeValues={":two": {"N": "2"}})
    capacity = ddb.put_item(TableName=name, Item={"pk": {"S": "a"}},
                            ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
    assert capacity == {"TableName": name, "CapacityUnits": 1.0}
    records = read_stream(streams, arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "MODIFY", "MODIFY"]
    assert [r["dynamodb"]["OldImage"]["v"]["N"] for r in records[1:]] == ["1", "2", "3"]
    assert records[3]["dynamodb"]["NewImage"] == {"pk": {"S": "a"}}


def test_an_overwrite_of_a_large_item_is_charged_for_the_old_size(ddb: Any,
                                                                  streams: Any) -> None:
    name, _ = create_stream_table(ddb)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "big": {"S": "x" * 3000}})
    capacity = ddb.put_item(TableName=name, Item={"pk": {"S": "a"}},
                            ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
    assert capacity["CapacityUnits"] == 3.0


def test_a_table_with_an_index_keeps_its_entries(ddb: Any, streams: Any) -> None:
    name = new_name()
    arn = ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "by-g",
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"}}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["LatestStreamArn"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "g": {"S": "one"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "g": {"S": "two"}})

    def under(value: str) -> list[dict[str, Any]]:
        return list(ddb.query(TableName=name, IndexName="by-g",
                              KeyConditionExpression="g = :g",
                              ExpressionAttributeValues={":g": {"S": value}})["Items"])

    assert under("one") == []
    assert under("two") == [{"pk": {"S": "a"}, "g": {"S": "two"}}]
    _, modify = read_stream(streams, arn)
    assert modify["dynamodb"]["OldImage"] == {"pk": {"S": "a"}, "g": {"S": "one"}}


@pytest.mark.parametrize(("key_type", "hash_value"), [
    ("S", {"S": "clé-ü"}), ("B", {"B": b"\x00\xffraw"}), ("N", {"N": "-12.50"}),
])
def test_a_put_records_the_keys_size_the_general_path_records(
        ddb: Any, streams: Any, key_type: str, hash_value: dict[str, Any]) -> None:
    """PutItem sizes a string or binary key from its stored encoding (a number key takes
    keys_size); DeleteItem's REMOVE record takes the general path. Both records hold the
    same keys and one image of the same item, so the same SizeBytes, which is AWS's."""
    name, arn = create_stream_table(ddb, key="hé", key_type=key_type, range_key="sör")
    item = {"hé": hash_value, "sör": {"S": "ü"}, "x": {"S": "y"}}
    ddb.put_item(TableName=name, Item=item)
    ddb.delete_item(TableName=name, Key={"hé": hash_value, "sör": {"S": "ü"}})
    insert, remove = read_stream(streams, arn)
    names = len("hé".encode()) + len("sör".encode())
    value = {"S": len("clé-ü".encode()), "B": 5, "N": 3}[key_type]
    keys_size = names + value + len("ü".encode())
    assert insert["dynamodb"]["Keys"] == remove["dynamodb"]["Keys"]
    # the keys, then one image: the keys again and "x" = "y"
    assert insert["dynamodb"]["SizeBytes"] == keys_size + keys_size + 2
    assert remove["dynamodb"]["SizeBytes"] == insert["dynamodb"]["SizeBytes"]
