"""ReturnConsumedCapacity on tables with secondary indexes: index writes and reads are charged
to the index (developer guide "Provisioned throughput considerations for Global Secondary
Indexes": a new entry is one write, a changed index key two, a removed entry one, a changed
projection one; each in 1 KB units of the index entry)."""

from __future__ import annotations

from typing import Any

import pytest


def item(pk: str, sk: int, **attributes: Any) -> dict[str, Any]:
    built = {"pk": {"S": pk}, "sk": {"N": str(sk)}}
    for key, value in attributes.items():
        built[key] = {"N": str(value)} if isinstance(value, int) else {"S": value}
    return built


def put(ddb: Any, table: str, mode: str = "INDEXES", **attributes: Any) -> dict[str, Any]:
    response = ddb.put_item(TableName=table, Item=item("a", 1, **attributes),
                            ReturnConsumedCapacity=mode)
    return dict(response["ConsumedCapacity"])


def test_new_item_writes_every_index_it_enters(ddb: Any, indexed_table: str) -> None:
    assert put(ddb, indexed_table, status="open", owner="ann", rank=3) == {
        "TableName": indexed_table, "CapacityUnits": 4.0, "Table": {"CapacityUnits": 1.0},
        "GlobalSecondaryIndexes": {"by_status": {"CapacityUnits": 1.0},
                                   "by_owner": {"CapacityUnits": 1.0}},
        "LocalSecondaryIndexes": {"by_rank": {"CapacityUnits": 1.0}}}


def test_total_counts_index_writes_without_a_breakdown(ddb: Any, indexed_table: str) -> None:
    assert put(ddb, indexed_table, "TOTAL", status="open", owner="ann") == {
        "TableName": indexed_table, "CapacityUnits": 3.0}


def test_item_outside_every_index_charges_the_table_alone(ddb: Any,
                                                         indexed_table: str) -> None:
    assert put(ddb, indexed_table, note="n") == {
        "TableName": indexed_table, "CapacityUnits": 1.0, "Table": {"CapacityUnits": 1.0}}


def test_index_entry_size_counts_only_its_projection(ddb: Any, indexed_table: str) -> None:
    # by_owner projects `note` (3 KB); by_status is KEYS_ONLY.
    capacity = put(ddb, indexed_table, status="open", owner="ann", note="x" * 3000)
    assert capacity["GlobalSecondaryIndexes"] == {"by_status": {"CapacityUnits": 1.0},
                                                  "by_owner": {"CapacityUnits": 3.0}}
    assert capacity["Table"] == {"CapacityUnits": 3.0}


def test_changed_index_key_is_two_writes(ddb: Any, indexed_table: str) -> None:
    put(ddb, indexed_table, status="open", owner="ann", rank=3)
    response = ddb.update_item(
        TableName=indexed_table, Key={"pk": {"S": "a"}, "sk": {"N": "1"}},
        UpdateExpression="SET #s = :s", ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "done"}}, ReturnConsumedCapacity="INDEXES")
    # by_status: delete + put; by_owner does not project status: nothing; by_rank (ALL): one.
    assert response["ConsumedCapacity"] == {
        "TableName": indexed_table, "CapacityUnits": 4.0, "Table": {"CapacityUnits": 1.0},
        "GlobalSecondaryIndexes": {"by_status": {"CapacityUnits": 2.0}},
        "LocalSecondaryIndexes": {"by_rank": {"CapacityUnits": 1.0}}}


def test_delete_removes_each_entry(ddb: Any, indexed_table: str) -> None:
    put(ddb, indexed_table, status="open", rank=3)
    response = ddb.delete_item(TableName=indexed_table, Key={"pk": {"S": "a"}, "sk": {"N": "1"}},
                               ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == {
        "TableName": indexed_table, "CapacityUnits": 3.0, "Table": {"CapacityUnits": 1.0},
        "GlobalSecondaryIndexes": {"by_status": {"CapacityUnits": 1.0}},
        "LocalSecondaryIndexes": {"by_rank": {"CapacityUnits": 1.0}}}


def test_transaction_doubles_index_writes(ddb: Any, indexed_table: str) -> None:
    response = ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": indexed_table, "Item": item("b", 2, owner="bo")}}],
        ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == [{
        "TableName": indexed_table, "CapacityUnits": 4.0, "Table": {"CapacityUnits": 2.0},
        "GlobalSecondaryIndexes": {"by_owner": {"CapacityUnits": 2.0}}}]


def test_batch_write_charges_indexes(ddb: Any, indexed_table: str) -> None:
    response = ddb.batch_write_item(
        RequestItems={indexed_table: [{"PutRequest": {"Item": item("c", i, status="s")}}
                                      for i in range(2)]},
        ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == [{
        "TableName": indexed_table, "CapacityUnits": 4.0, "Table": {"CapacityUnits": 2.0},
        "GlobalSecondaryIndexes": {"by_status": {"CapacityUnits": 2.0}}}]


@pytest.mark.parametrize(("index", "member", "condition", "values"), [
    ("by_status", "GlobalSecondaryIndexes", "#k = :v", {":v": {"S": "open"}}),
    ("by_rank", "LocalSecondaryIndexes", "pk = :v", {":v": {"S": "a"}}),
])
def test_index_reads_are_the_index_s(ddb: Any, indexed_table: str, index: str, member: str,
                                     condition: str, values: dict[str, Any]) -> None:
    put(ddb, indexed_table, status="open", rank=3)
    names = {"#k": "status"} if "#k" in condition else {}
    response = ddb.query(TableName=indexed_table, IndexName=index,
                         KeyConditionExpression=condition, ExpressionAttributeValues=values,
                         ReturnConsumedCapacity="INDEXES", **(
                             {"ExpressionAttributeNames": names} if names else {}))
    assert response["ConsumedCapacity"] == {
        "TableName": indexed_table, "CapacityUnits": 0.5, "Table": {"CapacityUnits": 0.0},
        member: {index: {"CapacityUnits": 0.5}}}
    scanned = ddb.scan(TableName=indexed_table, IndexName=index, ReturnConsumedCapacity="TOTAL")
    assert scanned["ConsumedCapacity"] == {"TableName": indexed_table, "CapacityUnits": 0.5}


def test_changed_projection_is_one_write_and_unprojected_changes_none(
        ddb: Any, indexed_table: str) -> None:
    put(ddb, indexed_table, status="open", owner="ann", rank=3, note="a")
    response = ddb.update_item(
        TableName=indexed_table, Key={"pk": {"S": "a"}, "sk": {"N": "1"}},
        UpdateExpression="SET note = :n", ExpressionAttributeValues={":n": {"S": "b"}},
        ReturnConsumedCapacity="INDEXES")
    # by_owner projects note: one write; by_status is KEYS_ONLY: none; by_rank (ALL): one.
    assert response["ConsumedCapacity"] == {
        "TableName": indexed_table, "CapacityUnits": 3.0, "Table": {"CapacityUnits": 1.0},
        "GlobalSecondaryIndexes": {"by_owner": {"CapacityUnits": 1.0}},
        "LocalSecondaryIndexes": {"by_rank": {"CapacityUnits": 1.0}}}
