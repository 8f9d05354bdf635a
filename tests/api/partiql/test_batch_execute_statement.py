"""BatchExecuteStatement: per-statement results and errors, reads or writes but not both."""

from __future__ import annotations

from typing import Any

from partiql_support import N, S, assert_error


def batch(ddb: Any, *statements: str | tuple[str, list[Any]], **kwargs: Any) -> list[Any]:
    entries = []
    for statement in statements:
        if isinstance(statement, tuple):
            entries.append({"Statement": statement[0], "Parameters": statement[1]})
        else:
            entries.append({"Statement": statement})
    responses: list[Any] = ddb.batch_execute_statement(Statements=entries, **kwargs)["Responses"]
    return responses


def test_batch_writes_and_per_statement_errors(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": S("dup")})
    responses = batch(
        ddb,
        f"INSERT INTO \"{table}\" VALUE {{'pk': 'a', 'v': 1}}",
        f"INSERT INTO \"{table}\" VALUE {{'pk': 'dup'}}",
        (f'UPDATE "{table}" SET v = ? WHERE pk = ?', [N(2), S("dup")]),
        f"UPDATE \"{table}\" SET v = 3 WHERE pk = 'dup' AND v = 99",
        f"DELETE FROM \"{table}\" WHERE v = 1",
        "INSERT INTO \"no-table-qq\" VALUE {'pk': 'x'}",
        "INSERT INTO garbage",
    )
    assert responses[0] == {"TableName": table}
    assert responses[1] == {"TableName": table, "Error": {
        "Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"}}
    assert responses[2] == {"TableName": table}
    assert responses[3] == {"TableName": table, "Error": {
        "Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}}
    assert responses[4]["Error"] == {
        "Code": "ValidationError",
        "Message": "Where clause does not contain a mandatory equality on all key attributes"}
    assert responses[5] == {"Error": {"Code": "ResourceNotFound",
                                      "Message": "Requested resource not found"}}
    assert responses[6]["Error"]["Code"] == "ValidationError"
    assert responses[6]["Error"]["Message"].startswith("Statement wasn't well formed")
    assert ddb.get_item(TableName=table, Key={"pk": S("dup")})["Item"] == {
        "pk": S("dup"), "v": N(2)}
    assert ddb.get_item(TableName=table, Key={"pk": S("a")})["Item"]["v"] == N(1)


def test_batch_reads(ddb: Any, sorted_table: str) -> None:
    ddb.put_item(TableName=sorted_table, Item={"pk": S("a"), "sk": N(1), "v": S("one")})
    responses = batch(
        ddb,
        f"SELECT * FROM \"{sorted_table}\" WHERE pk = 'a' AND sk = 1",
        (f'SELECT v FROM "{sorted_table}" WHERE pk = ? AND sk = ?', [S("a"), N(1)]),
        f"SELECT * FROM \"{sorted_table}\" WHERE pk = 'a' AND sk = 2",
        f"SELECT * FROM \"{sorted_table}\" WHERE pk = 'a'",
    )
    assert responses[0] == {"TableName": sorted_table,
                            "Item": {"pk": S("a"), "sk": N(1), "v": S("one")}}
    assert responses[1] == {"TableName": sorted_table, "Item": {"v": S("one")}}
    assert responses[2] == {"TableName": sorted_table}
    assert responses[3]["Error"] == {
        "Code": "ValidationError",
        "Message": "Select statements within BatchExecuteStatement must specify the primary "
                   "key in the where clause."}


def test_batch_condition_failure_returns_item(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": S("a"), "v": N(1)})
    responses = ddb.batch_execute_statement(Statements=[{
        "Statement": f"UPDATE \"{table}\" SET v = 2 WHERE pk = 'a' AND v = 5",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}])["Responses"]
    assert responses[0]["Error"]["Item"] == {"pk": S("a"), "v": N(1)}


def test_batch_of_reads_and_writes(ddb: Any, table: str) -> None:
    assert_error(lambda: batch(ddb, f"SELECT * FROM \"{table}\" WHERE pk = 'a'",
                               f"INSERT INTO \"{table}\" VALUE {{'pk': 'a'}}"),
                 "ValidationException",
                 "BatchExecuteStatement API does not support both read and write operations in "
                 "the same request.")


def test_batch_of_26_statements(ddb: Any, table: str) -> None:
    statements = [f"SELECT * FROM \"{table}\" WHERE pk = '{i}'" for i in range(26)]
    response = assert_error(lambda: batch(ddb, *statements), "ValidationException")
    assert "Member must have length less than or equal to 25" in response["Error"]["Message"]


def test_batch_consumed_capacity(ddb: Any, table: str) -> None:
    response = ddb.batch_execute_statement(
        Statements=[{"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'c{i}'}}"}
                    for i in range(3)],
        ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 3.0}]
