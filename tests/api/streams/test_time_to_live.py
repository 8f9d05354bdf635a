"""UpdateTimeToLive / DescribeTimeToLive validation and the TTL sweeper (aws-facts §2.3): expired
items are deleted through the write path with a REMOVE record carrying the TTL identity."""

from __future__ import annotations

from typing import Any

import pytest
from streams_support import Private, create_stream_table, error_of, new_name, read_stream, wait_for

TTL_IDENTITY = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}


def _enable(ddb: Any, name: str, attribute: str = "expires", enabled: bool = True) -> Any:
    return ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={
        "Enabled": enabled, "AttributeName": attribute})


def test_describe_and_enable(ddb: Any, make_table: Any) -> None:
    name = make_table()
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"}
    response = _enable(ddb, name)
    assert response["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "expires"}
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}


def test_validation(ddb: Any, make_table: Any) -> None:
    name = make_table()
    assert error_of(lambda: _enable(ddb, name, enabled=False)) == (
        "ValidationException", "TimeToLive is already disabled", 400)
    _enable(ddb, name)
    assert error_of(lambda: _enable(ddb, name)) == (
        "ValidationException", "TimeToLive is already enabled", 400)
    code, message, _ = error_of(lambda: _enable(ddb, name, "other"))
    assert code == "ValidationException" and "different" in message
    code, message, _ = error_of(lambda: _enable(ddb, name, "other", enabled=False))
    assert code == "ValidationException" and "different" in message
    assert error_of(lambda: _enable(ddb, name, enabled=False)) == (
        "ValidationException",
        "Time to live has been modified multiple times within a fixed interval", 400)


def test_unknown_table(ddb: Any) -> None:
    name = new_name()
    expected = ("ResourceNotFoundException",
                f"Requested resource not found: Table: {name} not found", 400)
    assert error_of(lambda: _enable(ddb, name)) == expected
    assert error_of(lambda: ddb.describe_time_to_live(TableName=name)) == expected


@pytest.mark.local_only
def test_change_allowed_again_after_an_hour(private: Private) -> None:
    ddb = private.ddb
    name, _ = create_stream_table(ddb)
    _enable(ddb, name)
    private.advance(3601)
    _enable(ddb, name, enabled=False)
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"}


@pytest.mark.local_only
def test_sweeper_deletes_expired_items_with_ttl_records(private: Private) -> None:
    ddb, streams = private.ddb, private.streams
    name, arn = create_stream_table(ddb, "NEW_AND_OLD_IMAGES")
    _enable(ddb, name)
    now = private.now()
    items = {
        "soon": {"N": str(int(now) + 3600)},
        "later": {"N": str(int(now) + 7200)},
        "ancient": {"N": str(int(now) - 6 * 365 * 86400)},  # 5+ years old: ignored
        "text": {"S": str(int(now) - 10)},  # not a Number: ignored
    }
    for pk, value in items.items():
        ddb.put_item(TableName=name, Item={"pk": {"S": pk}, "expires": value})
    ddb.put_item(TableName=name, Item={"pk": {"S": "nested"},
                                       "m": {"M": {"expires": {"N": str(int(now) - 10)}}}})
    # Not yet expired: still there, and expired-but-unswept items remain readable on AWS too.
    assert ddb.get_item(TableName=name, Key={"pk": {"S": "soon"}}).get("Item")
    private.advance(3700)

    def swept() -> bool:
        return "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "soon"}})

    wait_for(swept)
    remaining = {i["pk"]["S"] for i in ddb.scan(TableName=name)["Items"]}
    assert remaining == {"later", "ancient", "text", "nested"}
    removes = [r for r in read_stream(streams, arn) if r["eventName"] == "REMOVE"]
    assert len(removes) == 1
    (remove,) = removes
    assert remove["userIdentity"] == TTL_IDENTITY
    assert remove["dynamodb"]["Keys"] == {"pk": {"S": "soon"}}
    assert remove["dynamodb"]["OldImage"] == {"pk": {"S": "soon"}, "expires": items["soon"]}


@pytest.mark.local_only
def test_a_day_later_everything_due_is_swept(private: Private) -> None:
    ddb = private.ddb
    name, _ = create_stream_table(ddb, "KEYS_ONLY")
    _enable(ddb, name, "ttl")
    now = private.now()
    for i in range(50):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"k{i}"},
                                           "ttl": {"N": str(int(now) + 60 * i)}})
    private.advance(90000)
    wait_for(lambda: ddb.scan(TableName=name, Select="COUNT")["Count"] == 0)
