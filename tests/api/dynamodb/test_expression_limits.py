"""Expression limits (AWS "Constraints", Expression parameters): 4 KB of text, checked first;
300 operators, counted as DynamoDB counts them; document paths 32 deep; list indexes within a
Java int. And a 2.6 MB expression is refused without holding up anyone else."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import server_support
from botocore.exceptions import ClientError

KEY = {"pk": {"S": "k"}}
V = {":v": {"N": "1"}}
SIZE = "Expression size has exceeded the maximum allowed size;"


def _name(length: int) -> str:
    """One attribute name of exactly `length` bytes."""
    return "a" + "z" * (length - 1)


@pytest.fixture
def stored(ddb: Any, table: str) -> str:
    ddb.put_item(TableName=table, Item={**KEY, "n": {"N": "1"}})
    return table


# ---- 4 KB


def test_4096_bytes_are_allowed(ddb: Any, stored: str) -> None:
    assert "Item" in ddb.get_item(TableName=stored, Key=KEY, ProjectionExpression=_name(4096))
    spaces = " " * (4096 - len("SETa = :v"))
    ddb.update_item(TableName=stored, Key=KEY, UpdateExpression=f"SET{spaces}a = :v",
                    ExpressionAttributeValues=V)
    assert ddb.get_item(TableName=stored, Key=KEY)["Item"]["a"] == {"N": "1"}


@pytest.mark.parametrize(("operation", "kwargs", "message"), [
    ("get_item", {"Key": KEY, "ProjectionExpression": _name(4097)},
     f"Invalid ProjectionExpression: {SIZE}"),
    ("update_item", {"Key": KEY, "UpdateExpression": f"SET {_name(4097)} = :v",
                     "ExpressionAttributeValues": V},
     f"Invalid UpdateExpression: {SIZE}"),
    # Only condition and filter expressions show the size (recorded against AWS by the
    # ExtendDB suite, tests/test_expression_size_limit.py).
    ("put_item", {"Item": KEY, "ConditionExpression": f"attribute_not_exists({_name(4097)})"},
     f"Invalid ConditionExpression: {SIZE} expression size: 4119"),
    ("scan", {"FilterExpression": f"{_name(4097)} = :v", "ExpressionAttributeValues": V},
     f"Invalid FilterExpression: {SIZE} expression size: 4102"),
    ("query", {"KeyConditionExpression": f"pk = :v AND {_name(4097)} = :v",
               "ExpressionAttributeValues": V},
     f"Invalid KeyConditionExpression: {SIZE}"),
    # Multi-byte characters count as their UTF-8 bytes.
    ("scan", {"FilterExpression": "n = :v OR " + "é" * 2045},
     f"Invalid FilterExpression: {SIZE} expression size: 4100"),
])
def test_more_than_4096_bytes_are_refused(ddb: Any, stored: str, invalid: Any, operation: str,
                                          kwargs: dict[str, Any], message: str) -> None:
    invalid(getattr(ddb, operation), message, TableName=stored, **kwargs)


def test_size_is_checked_before_syntax(ddb: Any, stored: str, invalid: Any) -> None:
    invalid(ddb.update_item, f"Invalid ConditionExpression: {SIZE} expression size: 15000",
            TableName=stored, Key=KEY, UpdateExpression="SET a = :v", ConditionExpression="(" * 15000,
            ExpressionAttributeValues=V)


# ---- 300 operators


def _joined(term: str, count: int) -> str:
    return " OR ".join([term] * count)


@pytest.mark.parametrize(("term", "allowed", "refused"), [
    ("n = :v", 150, 151),  # one comparator and one OR a term: 299, then 301
    ("n BETWEEN :v AND :v", 100, 101),  # BETWEEN counts twice: 299, then 302
    ("n IN (:v, :v, :v, :v)", 150, 151),  # IN counts once, whatever its operands
    ("attribute_exists(n) AND n = :v", 75, 76),  # a function counts once: 299, then 303
])
def test_operators_are_counted_as_dynamodb_counts_them(ddb: Any, stored: str, invalid: Any,
                                                       term: str, allowed: int,
                                                       refused: int) -> None:
    ddb.put_item(TableName=stored, Item={**KEY, "n": {"N": "1"}},
                 ConditionExpression=_joined(term, allowed), ExpressionAttributeValues=V)
    invalid(ddb.put_item, "Invalid ConditionExpression: The expression contains too many "
            "operators; operator count: 301", TableName=stored, Item=KEY,
            ConditionExpression=_joined(term, refused), ExpressionAttributeValues=V)


def test_parentheses_are_not_operators(ddb: Any, stored: str, invalid: Any) -> None:
    # Recorded against AWS by the Alternator suite (test_limits.py): 149 levels of
    # "n=:v or (...)" hold 299 operators and pass; 454 levels fit in 4 KB but are refused.
    def nested(depth: int) -> str:
        return "n = :v " + "or (n = :v " * depth + ")" * depth

    ddb.put_item(TableName=stored, Item={**KEY, "n": {"N": "1"}}, ConditionExpression=nested(149),
                 ExpressionAttributeValues=V)
    assert len(nested(300)) < 4096
    invalid(ddb.put_item, "Invalid ConditionExpression: The expression contains too many "
            "operators; operator count: 301", TableName=stored, Item=KEY,
            ConditionExpression=nested(300), ExpressionAttributeValues=V)


def test_update_expressions_count_their_operators(ddb: Any, stored: str, invalid: Any) -> None:
    # Each "aN = n + :v" is two operators; 150 of them are 300, one more is too many.
    def sets(count: int) -> str:
        return "SET " + ", ".join(f"a{i} = n + :v" for i in range(count))

    ddb.update_item(TableName=stored, Key=KEY, UpdateExpression=sets(150),
                    ExpressionAttributeValues=V)
    invalid(ddb.update_item, "Invalid UpdateExpression: The expression contains too many "
            "operators; operator count: 301", TableName=stored, Key=KEY,
            UpdateExpression=sets(151), ExpressionAttributeValues=V)


def test_deep_redundant_parentheses(ddb: Any, stored: str, invalid: Any) -> None:
    invalid(ddb.put_item, "Invalid ConditionExpression: The expression has redundant "
            "parentheses;", TableName=stored, Item=KEY,
            ConditionExpression="(" * 2000 + "n = :v" + ")" * 2000, ExpressionAttributeValues=V)


# ---- document paths


def test_document_paths_are_32_levels_deep_at_most(ddb: Any, stored: str, invalid: Any) -> None:
    deep = ".".join(["m"] * 32)
    assert ddb.get_item(TableName=stored, Key=KEY, ProjectionExpression=deep)["Item"] == {}
    too_deep = ".".join(["m"] * 32) + "[0]"
    invalid(ddb.get_item, "Invalid ProjectionExpression: The document path has too many nesting "
            "levels; nesting levels: 33", TableName=stored, Key=KEY,
            ProjectionExpression=too_deep)
    invalid(ddb.update_item, "Invalid UpdateExpression: The document path has too many nesting "
            "levels; nesting levels: 33", TableName=stored, Key=KEY,
            UpdateExpression=f"REMOVE {too_deep}")
    invalid(ddb.put_item, "Invalid ConditionExpression: The document path has too many nesting "
            "levels; nesting levels: 40", TableName=stored, Item=KEY,
            ConditionExpression="attribute_exists(#m" + ".#m" * 39 + ")",
            ExpressionAttributeNames={"#m": "m"})


def test_list_indexes_stay_within_an_int(ddb: Any, stored: str, invalid: Any) -> None:
    assert ddb.get_item(TableName=stored, Key=KEY,
                        ProjectionExpression="l[2147483647]")["Item"] == {}
    invalid(ddb.get_item, "Invalid ProjectionExpression: List index is not within the allowable "
            "range; index: [2147483648]", TableName=stored, Key=KEY,
            ProjectionExpression="l[2147483648]")
    invalid(ddb.update_item, "Invalid UpdateExpression: List index is not within the allowable "
            "range; index: [99999999999999999999]", TableName=stored, Key=KEY,
            UpdateExpression="REMOVE l[99999999999999999999]")


# ---- one huge expression must not hold up the server (issue 12, item 8)

BIG_REQUESTS = 8


def test_a_huge_expression_is_refused_without_holding_up_other_clients(
        ddb: Any, stored: str, endpoint: str) -> None:
    # 2.6 MB of "n = :v AND ...": parsing it took 55 s before the limits were checked first.
    huge = " AND ".join(["n = :v"] * (2_600_000 // 11))
    refusals: list[str] = []
    big_done = threading.Event()

    def send_huge() -> None:
        client = server_support.client("dynamodb", endpoint)
        try:
            for _ in range(BIG_REQUESTS):
                try:
                    client.scan(TableName=stored, FilterExpression=huge,
                                ExpressionAttributeValues=V)
                except ClientError as error:
                    refusals.append(error.response["Error"]["Message"])
        finally:
            big_done.set()

    sender = threading.Thread(target=send_huge)
    sender.start()
    answered_while_big_in_flight = 0
    while not big_done.is_set():
        ddb.get_item(TableName=stored, Key=KEY)
        if not big_done.is_set():
            answered_while_big_in_flight += 1
    sender.join()
    assert refusals == [f"Invalid FilterExpression: {SIZE} expression size: {len(huge)}"] * (
        BIG_REQUESTS)
    # The other client was answered while the huge requests were being sent and refused.
    assert answered_while_big_in_flight >= 1
