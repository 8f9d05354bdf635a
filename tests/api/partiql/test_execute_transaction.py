"""ExecuteTransaction: all-or-nothing writes, reads, EXISTS checks, cancellation reasons and
ClientRequestToken idempotency."""

from __future__ import annotations

from typing import Any

from partiql_support import N, S, assert_error

CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons "


def tx(ddb: Any, *statements: str | dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    entries = [s if isinstance(s, dict) else {"Statement": s} for s in statements]
    response: dict[str, Any] = ddb.execute_transaction(TransactStatements=entries, **kwargs)
    return response


def item(ddb: Any, table: str, pk: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = ddb.get_item(TableName=table, Key={"pk": S(pk)}).get("Item")
    return found


def test_transaction_commits_every_write(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": S("u"), "n": N(1)})
    ddb.put_item(TableName=table, Item={"pk": S("d")})
    tx(ddb,
       f"INSERT INTO \"{table}\" VALUE {{'pk': 'i', 'v': 'new'}}",
       f"UPDATE \"{table}\" SET n = n + 1 WHERE pk = 'u'",
       {"Statement": f'DELETE FROM "{table}" WHERE pk = ?', "Parameters": [S("d")]})
    assert item(ddb, table, "i") == {"pk": S("i"), "v": S("new")}
    assert item(ddb, table, "u") == {"pk": S("u"), "n": N(2)}
    assert item(ddb, table, "d") is None


def test_cancelled_transaction_writes_nothing(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": S("u"), "n": N(1)})
    ddb.put_item(TableName=table, Item={"pk": S("dup")})
    response = assert_error(
        lambda: tx(ddb,
                   f"INSERT INTO \"{table}\" VALUE {{'pk': 'i'}}",
                   {"Statement": f"UPDATE \"{table}\" SET n = 5 WHERE pk = 'u' AND n = 9",
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
                   f"INSERT INTO \"{table}\" VALUE {{'pk': 'dup'}}",
                   f"UPDATE \"{table}\" SET n = 5 WHERE pk = 'missing'"),
        "TransactionCanceledException",
        CANCELLED + "[None, ConditionalCheckFailed, DuplicateItem, ConditionalCheckFailed]")
    assert response["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
         "Item": {"pk": S("u"), "n": N(1)}},
        {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
    ]
    assert item(ddb, table, "i") is None
    assert item(ddb, table, "u") == {"pk": S("u"), "n": N(1)}


def test_exists_condition_check(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": S("gate"), "open": {"BOOL": True}})
    tx(ddb, f"EXISTS(SELECT * FROM \"{table}\" WHERE pk = 'gate' AND open = true)",
       f"INSERT INTO \"{table}\" VALUE {{'pk': 'after'}}")
    assert item(ddb, table, "after") is not None
    response = assert_error(
        lambda: tx(ddb, f"EXISTS(SELECT * FROM \"{table}\" WHERE pk = 'gate' AND open = false)",
                   f"INSERT INTO \"{table}\" VALUE {{'pk': 'never'}}"),
        "TransactionCanceledException", CANCELLED + "[ConditionalCheckFailed, None]")
    assert response["CancellationReasons"][1] == {"Code": "None"}
    assert item(ddb, table, "never") is None
    assert item(ddb, table, "gate") == {"pk": S("gate"), "open": {"BOOL": True}}


def test_read_transaction(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": S("a"), "v": N(1), "w": N(2)})
    response = tx(ddb, f"SELECT v FROM \"{table}\" WHERE pk = 'a'",
                  f"SELECT * FROM \"{table}\" WHERE pk = 'zz'")
    assert response["Responses"] == [{"Item": {"v": N(1)}}, {}]


def test_read_without_full_key(ddb: Any, sorted_table: str) -> None:
    assert_error(lambda: tx(ddb, f"SELECT * FROM \"{sorted_table}\" WHERE pk = 'a'"),
                 "ValidationException",
                 "Select statements within ExecuteTransaction must specify the primary key in "
                 "the where clause.")


def test_reads_and_writes_together(ddb: Any, table: str) -> None:
    assert_error(lambda: tx(ddb, f"SELECT * FROM \"{table}\" WHERE pk = 'a'",
                            f"INSERT INTO \"{table}\" VALUE {{'pk': 'b'}}"),
                 "ValidationException",
                 "ExecuteTransaction API does not support both read and write operations in the "
                 "same request.")


def test_two_writes_to_one_item(ddb: Any, table: str) -> None:
    assert_error(lambda: tx(ddb, f"INSERT INTO \"{table}\" VALUE {{'pk': 'a'}}",
                            f"DELETE FROM \"{table}\" WHERE pk = 'a'"),
                 "ValidationException",
                 "Transaction request cannot include multiple operations on one item")


def test_write_without_key(ddb: Any, table: str) -> None:
    assert_error(lambda: tx(ddb, f"DELETE FROM \"{table}\" WHERE v = 1"),
                 "ValidationException",
                 "Where clause does not contain a mandatory equality on all key attributes")


def test_unknown_table(ddb: Any) -> None:
    assert_error(lambda: tx(ddb, "INSERT INTO \"no-such-table-tx\" VALUE {'pk': 'a'}"),
                 "ResourceNotFoundException", "Requested resource not found")


def test_101_statements(ddb: Any, table: str) -> None:
    statements = [f"INSERT INTO \"{table}\" VALUE {{'pk': '{i}'}}" for i in range(101)]
    response = assert_error(lambda: tx(ddb, *statements), "ValidationException")
    assert "Member must have length less than or equal to 100" in response["Error"]["Message"]


def test_client_request_token_is_idempotent(ddb: Any, table: str,
                                            unique: Any) -> None:
    one, two = unique("token"), unique("token")
    ddb.put_item(TableName=table, Item={"pk": S("c"), "n": N(0)})
    statement = f"UPDATE \"{table}\" SET n = n + 1 WHERE pk = 'c'"
    tx(ddb, statement, ClientRequestToken=one)
    tx(ddb, statement, ClientRequestToken=one)
    assert item(ddb, table, "c") == {"pk": S("c"), "n": N(1)}
    assert_error(lambda: tx(ddb, f"UPDATE \"{table}\" SET n = 9 WHERE pk = 'c'",
                            ClientRequestToken=one),
                 "IdempotentParameterMismatchException")
    tx(ddb, statement, ClientRequestToken=two)
    assert item(ddb, table, "c") == {"pk": S("c"), "n": N(2)}


def test_transaction_consumed_capacity(ddb: Any, table: str) -> None:
    response = tx(ddb, f"INSERT INTO \"{table}\" VALUE {{'pk': 'a'}}",
                  f"INSERT INTO \"{table}\" VALUE {{'pk': 'b'}}", ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 4.0}]


def test_exists_without_full_key(ddb: Any, table: str) -> None:
    assert_error(lambda: tx(ddb, f"EXISTS(SELECT * FROM \"{table}\" WHERE v = 1)",
                            f"INSERT INTO \"{table}\" VALUE {{'pk': 'b'}}"),
                 "ValidationException",
                 "EXISTS() must contain a single item read with additional condition")


def test_returning_is_refused(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": S("a")})
    statement = f"UPDATE \"{table}\" SET v = 1 WHERE pk = 'a' RETURNING ALL NEW *"
    assert_error(lambda: tx(ddb, statement), "ValidationException")
    assert item(ddb, table, "a") == {"pk": S("a")}
