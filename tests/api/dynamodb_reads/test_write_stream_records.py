"""Batch and transaction writes append stream records like single-item writes: one per
change, none for a no-op delete, none for a cancelled transaction or a ConditionCheck."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

STREAM = {"StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}}


@pytest.fixture
def streamed(make_table: Callable[..., str]) -> str:
    return make_table(**STREAM)


def events(records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted((r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records)


def test_batch_write_records(ddb: Any, read_stream: Callable[[str], Any], streamed: str) -> None:
    ddb.put_item(TableName=streamed, Item={"pk": {"S": "old"}, "v": {"N": "1"}})
    ddb.batch_write_item(RequestItems={streamed: [
        {"PutRequest": {"Item": {"pk": {"S": "a"}}}},
        {"PutRequest": {"Item": {"pk": {"S": "old"}, "v": {"N": "2"}}}},
        {"DeleteRequest": {"Key": {"pk": {"S": "missing"}}}},
    ]})
    ddb.batch_write_item(RequestItems={streamed: [{"DeleteRequest": {"Key": {"pk": {"S": "a"}}}}]})
    records = read_stream(streamed)
    assert events(records) == [("INSERT", "a"), ("INSERT", "old"), ("MODIFY", "old"),
                               ("REMOVE", "a")]
    modify = next(r for r in records if r["eventName"] == "MODIFY")
    assert modify["dynamodb"]["OldImage"]["v"] == {"N": "1"}
    assert modify["dynamodb"]["NewImage"]["v"] == {"N": "2"}


def test_rejected_batch_writes_no_records(ddb: Any, read_stream: Callable[[str], Any], streamed: str) -> None:
    with pytest.raises(ClientError):
        ddb.batch_write_item(RequestItems={streamed: [
            {"PutRequest": {"Item": {"pk": {"S": "a"}}}},
            {"PutRequest": {"Item": {"pk": {"S": "a"}}}}]})
    assert read_stream(streamed) == []


def test_transaction_records(ddb: Any, read_stream: Callable[[str], Any], streamed: str) -> None:
    ddb.put_item(TableName=streamed, Item={"pk": {"S": "u"}, "n": {"N": "1"}})
    ddb.put_item(TableName=streamed, Item={"pk": {"S": "d"}})
    ddb.put_item(TableName=streamed, Item={"pk": {"S": "c"}})
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": streamed, "Item": {"pk": {"S": "p"}}}},
        {"Update": {"TableName": streamed, "Key": {"pk": {"S": "u"}},
                    "UpdateExpression": "SET n = :two",
                    "ExpressionAttributeValues": {":two": {"N": "2"}}}},
        {"Delete": {"TableName": streamed, "Key": {"pk": {"S": "d"}}}},
        {"ConditionCheck": {"TableName": streamed, "Key": {"pk": {"S": "c"}},
                            "ConditionExpression": "attribute_exists(pk)"}},
    ])
    assert events(read_stream(streamed)) == [
        ("INSERT", "c"), ("INSERT", "d"), ("INSERT", "p"), ("INSERT", "u"), ("MODIFY", "u"),
        ("REMOVE", "d")]


def test_cancelled_transaction_writes_no_records(ddb: Any, read_stream: Callable[[str], Any], streamed: str) -> None:
    with pytest.raises(ClientError):
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": streamed, "Item": {"pk": {"S": "p"}}}},
            {"ConditionCheck": {"TableName": streamed, "Key": {"pk": {"S": "none"}},
                                "ConditionExpression": "attribute_exists(pk)"}}])
    assert read_stream(streamed) == []


def test_replayed_token_writes_no_second_record(ddb: Any, read_stream: Callable[[str], Any], streamed: str) -> None:
    items = [{"Put": {"TableName": streamed, "Item": {"pk": {"S": "p"}}}}]
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="stream-token")
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="stream-token")
    assert events(read_stream(streamed)) == [("INSERT", "p")]


def test_transaction_across_two_streamed_tables(ddb: Any, read_stream: Callable[[str], Any],
                                                make_table: Callable[..., str]) -> None:
    first, second = make_table(**STREAM), make_table(**STREAM)
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": first, "Item": {"pk": {"S": "x"}}}},
        {"Put": {"TableName": second, "Item": {"pk": {"S": "y"}}}}])
    assert events(read_stream(first)) == [("INSERT", "x")]
    assert events(read_stream(second)) == [("INSERT", "y")]


def test_removes_only_on_missing_items_write_nothing(
        ddb: Any, read_stream: Callable[[str], Any], streamed: str) -> None:
    # aws-facts §2.2: only effective changes make records; a removes-only update of a missing
    # key creates no item (scylladb/scylladb#5862), so there is nothing to record.
    ddb.update_item(TableName=streamed, Key={"pk": {"S": "u"}}, UpdateExpression="REMOVE a")
    ddb.update_item(TableName=streamed, Key={"pk": {"S": "u"}}, UpdateExpression="REMOVE a.b")
    ddb.update_item(TableName=streamed, Key={"pk": {"S": "u"}},
                    AttributeUpdates={"a": {"Action": "DELETE"}})
    ddb.transact_write_items(TransactItems=[
        {"Update": {"TableName": streamed, "Key": {"pk": {"S": "t"}},
                    "UpdateExpression": "REMOVE a[0] DELETE s :s",
                    "ExpressionAttributeValues": {":s": {"NS": ["1"]}}}},
        {"Delete": {"TableName": streamed, "Key": {"pk": {"S": "gone"}}}},
    ])
    ddb.execute_statement(Statement=f"DELETE FROM \"{streamed}\" WHERE pk = 'gone'")
    assert read_stream(streamed) == []
    for pk in ("u", "t"):
        assert "Item" not in ddb.get_item(TableName=streamed, Key={"pk": {"S": pk}})


def test_writes_that_change_nothing_make_no_records(
        ddb: Any, read_stream: Callable[[str], Any], streamed: str) -> None:
    item = {"pk": {"S": "a"}, "n": {"N": "1"}, "s": {"SS": ["x", "y"]}}
    ddb.put_item(TableName=streamed, Item=item)
    ddb.batch_write_item(RequestItems={streamed: [{"PutRequest": {"Item": item}}]})
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": streamed, "Item": {**item, "s": {"SS": ["y", "x"]}}}}])
    ddb.update_item(TableName=streamed, Key={"pk": {"S": "a"}},
                    UpdateExpression="SET n = :n REMOVE nothing",
                    ExpressionAttributeValues={":n": {"N": "1.0"}})
    ddb.execute_statement(Statement=f"UPDATE \"{streamed}\" SET n = 1 WHERE pk = 'a'")
    assert events(read_stream(streamed)) == [("INSERT", "a")]
