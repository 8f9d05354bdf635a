"""ReturnConsumedCapacity for writes that replace an item: the larger of the old and new item
is charged (scylladb alternator test_returnconsumedcapacity.py, written to pass on DynamoDB:
a short put over a 2 KB item costs 3 units)."""

from __future__ import annotations

from typing import Any

LONG = {"S": "a" * 2048}


def key(pk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}}


def test_put_over_a_larger_item(ddb: Any, hash_table: str) -> None:
    first = ddb.put_item(TableName=hash_table, Item={**key("a"), "v": LONG},
                         ReturnConsumedCapacity="TOTAL")
    assert first["ConsumedCapacity"] == {"TableName": hash_table, "CapacityUnits": 3.0}
    second = ddb.put_item(TableName=hash_table, Item=key("a"), ReturnConsumedCapacity="TOTAL")
    assert second["ConsumedCapacity"] == {"TableName": hash_table, "CapacityUnits": 3.0}
    third = ddb.put_item(TableName=hash_table, Item=key("a"), ReturnConsumedCapacity="INDEXES")
    assert third["ConsumedCapacity"] == {"TableName": hash_table, "CapacityUnits": 1.0,
                                         "Table": {"CapacityUnits": 1.0}}


def test_batch_put_and_delete_of_larger_items(ddb: Any, hash_table: str) -> None:
    for pk in ("a", "b"):
        ddb.put_item(TableName=hash_table, Item={**key(pk), "v": LONG})
    response = ddb.batch_write_item(RequestItems={hash_table: [
        {"PutRequest": {"Item": key("a")}}, {"DeleteRequest": {"Key": key("b")}}]},
        ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == [{"TableName": hash_table, "CapacityUnits": 6.0}]


def test_transactional_put_over_a_larger_item(ddb: Any, hash_table: str) -> None:
    ddb.put_item(TableName=hash_table, Item={**key("a"), "v": LONG})
    response = ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": hash_table, "Item": key("a")}}],
        ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == [{"TableName": hash_table, "CapacityUnits": 6.0}]
