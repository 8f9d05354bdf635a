"""PartiQL writes produce stream records like any other write; failed or cancelled ones don't."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError
from partiql_support import N, S, run


def stream_table(ddb: Any, unique: Callable[[str], str]) -> tuple[str, str]:
    name = unique("pqs")
    response = ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    return name, response["TableDescription"]["LatestStreamArn"]


def records(streams: Any, arn: str) -> list[tuple[str, dict[str, Any] | None,
                                                  dict[str, Any] | None]]:
    """(eventName, OldImage, NewImage) of every record, in sequence order."""
    found = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator)
            found.extend(page["Records"])
            iterator = page.get("NextShardIterator")
            if not page["Records"]:
                break
    found.sort(key=lambda r: int(r["dynamodb"]["SequenceNumber"]))
    return [(r["eventName"], r["dynamodb"].get("OldImage"), r["dynamodb"].get("NewImage"))
            for r in found]


def test_statement_writes_make_records(ddb: Any, streams: Any,
                                       unique: Callable[[str], str]) -> None:
    table, arn = stream_table(ddb, unique)
    try:
        run(ddb, f"INSERT INTO \"{table}\" VALUE {{'pk': 'a', 'n': 1}}")
        run(ddb, f"UPDATE \"{table}\" SET n = n + 1 WHERE pk = 'a'")
        run(ddb, f"DELETE FROM \"{table}\" WHERE pk = 'a'")
        run(ddb, f"DELETE FROM \"{table}\" WHERE pk = 'never-there'")
        for failing in (f"INSERT INTO \"{table}\" VALUE {{'pk': 'b'}}",
                        f"UPDATE \"{table}\" SET n = 0 WHERE pk = 'b' AND n = 5"):
            try:
                run(ddb, failing)
            except ClientError:
                pass
        assert records(streams, arn) == [
            ("INSERT", None, {"pk": S("a"), "n": N(1)}),
            ("MODIFY", {"pk": S("a"), "n": N(1)}, {"pk": S("a"), "n": N(2)}),
            ("REMOVE", {"pk": S("a"), "n": N(2)}, None),
            ("INSERT", None, {"pk": S("b")}),
        ]
    finally:
        ddb.delete_table(TableName=table)


def test_batch_and_transaction_writes_make_records(ddb: Any, streams: Any,
                                                   unique: Callable[[str], str]) -> None:
    table, arn = stream_table(ddb, unique)
    try:
        ddb.batch_execute_statement(Statements=[
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'x'}}"},
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'x'}}"},  # duplicate: no record
        ])
        try:
            ddb.execute_transaction(TransactStatements=[
                {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'cancelled'}}"},
                {"Statement": f"UPDATE \"{table}\" SET v = 1 WHERE pk = 'x' AND v = 2"},
            ])
        except ClientError as error:
            assert error.response["Error"]["Code"] == "TransactionCanceledException"
        ddb.execute_transaction(TransactStatements=[
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'y'}}"},
            {"Statement": f"UPDATE \"{table}\" SET v = 1 WHERE pk = 'x'"},
        ])
        assert records(streams, arn) == [
            ("INSERT", None, {"pk": S("x")}),
            ("INSERT", None, {"pk": S("y")}),
            ("MODIFY", {"pk": S("x")}, {"pk": S("x"), "v": N(1)}),
        ]
    finally:
        ddb.delete_table(TableName=table)
