"""StreamSpecification on CreateTable and UpdateTable (aws-facts §2.1), the stream's life after
a disable or DeleteTable, and the `headwater:stream-shards` tag."""

from __future__ import annotations

from typing import Any

import pytest
from streams_support import create_stream_table, error_of, new_name, read_stream

INVALID = "One or more parameter values were invalid: "


def _table(ddb: Any, **kwargs: Any) -> str:
    name = new_name()
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST", **kwargs)
    return name


def test_create_table_response_carries_the_stream(ddb: Any, streams: Any) -> None:
    name, arn = create_stream_table(ddb, "NEW_IMAGE")
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["LatestStreamArn"] == arn
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert arn == f"{table['TableArn']}/stream/{table['LatestStreamLabel']}"
    listed = streams.list_streams(TableName=name)["Streams"]
    assert listed == [{"StreamArn": arn, "TableName": name,
                       "StreamLabel": table["LatestStreamLabel"]}]


@pytest.mark.parametrize(("spec", "message"), [
    ({"StreamEnabled": True},
     f"{INVALID}If stream is being enabled then UpdateViewType is required"),
    ({"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"},
     f"{INVALID}If stream is being disabled, then UpdateViewType must not be specified"),
])
def test_view_type_rules(ddb: Any, spec: dict[str, Any], message: str) -> None:
    name = _table(ddb)
    code, text, status = error_of(lambda: ddb.update_table(TableName=name,
                                                           StreamSpecification=spec))
    assert (code, text, status) == ("ValidationException", message, 400)


def test_enable_twice_and_disable_without_stream(ddb: Any) -> None:
    name, _ = create_stream_table(ddb, "KEYS_ONLY")
    for view in ("KEYS_ONLY", "NEW_IMAGE"):
        spec = {"StreamEnabled": True, "StreamViewType": view}
        assert error_of(lambda: ddb.update_table(TableName=name, StreamSpecification=spec)) == (
            "ValidationException", f"Table already has an enabled stream: TableName: {name}", 400)
    plain = _table(ddb)
    assert error_of(lambda: ddb.update_table(
        TableName=plain, StreamSpecification={"StreamEnabled": False})) == (
        "ValidationException", f"Table has no stream to disable: TableName: {plain}", 400)


def test_bad_view_type_is_rejected(ddb: Any) -> None:
    name = _table(ddb)
    code, _, _ = error_of(lambda: ddb.update_table(
        TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "Fisk"}))
    assert code == "ValidationException"


def test_each_enable_mints_a_new_stream_and_old_ones_stay_readable(ddb: Any,
                                                                  streams: Any) -> None:
    name, first = create_stream_table(ddb, "KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    table = ddb.describe_table(TableName=name)["Table"]
    assert "StreamSpecification" not in table and table["LatestStreamArn"] == first
    ddb.put_item(TableName=name, Item={"pk": {"S": "not recorded"}})
    described = streams.describe_stream(StreamArn=first)["StreamDescription"]
    assert described["StreamStatus"] == "DISABLED"
    assert all("EndingSequenceNumber" in s["SequenceNumberRange"] for s in described["Shards"])
    response = ddb.update_table(TableName=name, StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    second = response["TableDescription"]["LatestStreamArn"]
    assert second != first
    ddb.put_item(TableName=name, Item={"pk": {"S": "b"}})
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in read_stream(streams, first)] == ["a"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in read_stream(streams, second)] == ["b"]
    listed = {s["StreamArn"] for s in streams.list_streams(TableName=name)["Streams"]}
    assert listed == {first, second}
    status = streams.describe_stream(StreamArn=second)["StreamDescription"]["StreamStatus"]
    assert status == "ENABLED"


def test_delete_table_leaves_the_stream_readable(ddb: Any, streams: Any) -> None:
    name, arn = create_stream_table(ddb)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    ddb.delete_table(TableName=name)
    described = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert described["StreamStatus"] == "DISABLED"
    assert [r["eventName"] for r in read_stream(streams, arn)] == ["INSERT"]
    assert [s["StreamArn"] for s in streams.list_streams(TableName=name)["Streams"]] == [arn]


def test_shard_count_tag(ddb: Any, streams: Any) -> None:
    _, arn = create_stream_table(ddb, Tags=[{"Key": "headwater:stream-shards", "Value": "2"}])
    assert len(streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]) == 2


@pytest.mark.parametrize("value", ["0", "65", "two", "-1", "1.5"])
def test_invalid_shard_count_tag_is_rejected(ddb: Any, value: str) -> None:
    name = new_name()
    code, message, status = error_of(lambda: ddb.create_table(
        TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
        Tags=[{"Key": "headwater:stream-shards", "Value": value}]))
    assert (code, status) == ("ValidationException", 400)
    assert message == (f"{INVALID}Tag headwater:stream-shards must be a whole number of shards "
                       f"from 1 to 64, got '{value}'")
    # The failed create leaves no table behind.
    assert name not in ddb.list_tables()["TableNames"]
