"""An error answered by a write inside a busy group commit (Storage.transaction): PutItem,
UpdateItem, DeleteItem and BatchWriteItem run without a savepoint of their own, which is only
right because each raises every error it answers before its first change. Eight writers send at
once, over eight connections, so the server takes them in one loop iteration and commits them as
one group; the failing request sits first, in the middle or last. Its answer is AWS's error, and
nothing of it is left (item, stream record, index entry), while every other write of the group
is answered and committed."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import orjson
import pytest
from streams_support import new_name, read_stream

WRITERS = 8
INDEX = "by-g"
FAILED = "The conditional request failed"
WRONG_INDEX_TYPE = ("One or more parameter values were invalid: Type mismatch for Index Key g "
                    f"Expected: S Actual: N IndexName: {INDEX}")
WRONG_OPERAND = "An operand in the update expression has an incorrect data type"

Body = dict[str, Any]
Answer = tuple[int, Body]


def _send_together(endpoint: str, requests: list[tuple[str, Body]]) -> list[Answer]:
    """Every request on its own keep-alive connection, all sent before any answer is read."""
    parts = urlsplit(endpoint)
    conns = [socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80))
             for _ in requests]
    try:
        for conn, (target, body) in zip(conns, requests, strict=True):
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            payload = orjson.dumps(body)
            conn.sendall(
                f"POST / HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                f"X-Amz-Target: DynamoDB_20120810.{target}\r\n"
                f"Content-Type: application/x-amz-json-1.0\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n".encode() + payload)
        return [_answer(conn) for conn in conns]
    finally:
        for conn in conns:
            conn.close()


def _answer(conn: socket.socket) -> Answer:
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        buffer += conn.recv(65536)
    head, _, body = buffer.partition(b"\r\n\r\n")
    found = re.search(rb"(?i)content-length: *(\d+)", head)
    assert found is not None
    while len(body) < int(found.group(1)):
        body += conn.recv(65536)
    return int(head.split(b" ", 2)[1]), orjson.loads(body) if body else {}


def _table(ddb: Any) -> tuple[str, str]:
    """A stream table with a GSI on g (a string): items k0..k7 with v = 0 and g = "g<n>"."""
    name, arn = _create(ddb)
    for n in range(WRITERS):
        ddb.put_item(TableName=name, Item=_item(n, 0))
    return name, arn


def _create(ddb: Any) -> tuple[str, str]:
    name = new_name("grp")
    response = ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": INDEX,
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"}}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    return name, response["TableDescription"]["LatestStreamArn"]


def _item(n: int, v: int, g: str | None = None) -> Body:
    return {"pk": {"S": f"k{n}"}, "v": {"N": str(v)}, "g": {"S": g or f"g{n}"}}


def _key(n: int) -> Body:
    return {"pk": {"S": f"k{n}"}}


# Each case: the request of writer n that succeeds, the failing request for writer n, the
# error it answers, and the items (by n) the successful request leaves (None: deleted).
def _update_ok(name: str, n: int) -> tuple[str, Body]:
    return "UpdateItem", {"TableName": name, "Key": _key(n), "UpdateExpression": "SET v = :v",
                          "ExpressionAttributeValues": {":v": {"N": "1"}}}


def _put_ok(name: str, n: int) -> tuple[str, Body]:
    return "PutItem", {"TableName": name, "Item": _item(n, 1)}


def _delete_ok(name: str, n: int) -> tuple[str, Body]:
    return "DeleteItem", {"TableName": name, "Key": _key(n)}


def _batch_ok(name: str, n: int) -> tuple[str, Body]:
    return "BatchWriteItem", {"RequestItems": {name: [
        {"PutRequest": {"Item": _item(n, 1)}},
        {"PutRequest": {"Item": _item(n + 100, 1)}}]}}


def _transact_ok(name: str, n: int) -> tuple[str, Body]:
    return "TransactWriteItems", {"TransactItems": [{"Update": {
        "TableName": name, "Key": _key(n), "UpdateExpression": "SET v = :v",
        "ExpressionAttributeValues": {":v": {"N": "1"}}}}]}


def _transact_bad(name: str, n: int, second: Body) -> tuple[str, Body]:
    return "TransactWriteItems", {"TransactItems": [
        {"Put": {"TableName": name, "Item": _item(n + 100, 9, "moved")}},
        {**second}]}


def _partiql_ok(name: str, n: int) -> tuple[str, Body]:
    return "ExecuteStatement", {"Statement": f"UPDATE \"{name}\" SET v = 1 WHERE pk = 'k{n}'"}


CASES: dict[str, tuple[Callable[[str, int], tuple[str, Body]],
                       Callable[[str, int], tuple[str, Body]], str, str]] = {
    "update-condition": (
        _update_ok,
        lambda name, n: ("UpdateItem", {
            "TableName": name, "Key": _key(n), "UpdateExpression": "SET v = :v, g = :g",
            "ConditionExpression": "v = :other",
            "ExpressionAttributeValues": {":v": {"N": "9"}, ":g": {"S": "moved"},
                                          ":other": {"N": "5"}}}),
        "ConditionalCheckFailedException", FAILED),
    "update-operand": (
        _update_ok,
        lambda name, n: ("UpdateItem", {
            "TableName": name, "Key": _key(n), "UpdateExpression": "SET v = :v ADD g :one",
            "ExpressionAttributeValues": {":v": {"N": "9"}, ":one": {"N": "1"}}}),
        "ValidationException", WRONG_OPERAND),
    "update-index-key": (
        _update_ok,
        lambda name, n: ("UpdateItem", {
            "TableName": name, "Key": _key(n), "UpdateExpression": "SET v = :v, g = :g",
            "ExpressionAttributeValues": {":v": {"N": "9"}, ":g": {"N": "7"}}}),
        "ValidationException", WRONG_INDEX_TYPE),
    "put-condition": (
        _put_ok,
        lambda name, n: ("PutItem", {"TableName": name, "Item": _item(n, 9, "moved"),
                                     "ConditionExpression": "attribute_not_exists(pk)"}),
        "ConditionalCheckFailedException", FAILED),
    "delete-condition": (
        _delete_ok,
        lambda name, n: ("DeleteItem", {"TableName": name, "Key": _key(n),
                                        "ConditionExpression": "v = :other",
                                        "ExpressionAttributeValues": {":other": {"N": "5"}}}),
        "ConditionalCheckFailedException", FAILED),
    # The batch's first put is valid and comes first: it must not be written either.
    "batch-index-key": (
        _batch_ok,
        lambda name, n: ("BatchWriteItem", {"RequestItems": {name: [
            {"PutRequest": {"Item": _item(n + 100, 9, "moved")}},
            {"DeleteRequest": {"Key": _key(n)}},
            {"PutRequest": {"Item": {**_item(n + 200, 9), "g": {"N": "7"}}}}]}}),
        "ValidationException", WRONG_INDEX_TYPE),
    # A transaction's first action is valid and comes first: it must not be written either.
    "transact-condition": (
        _transact_ok,
        lambda name, n: _transact_bad(name, n, {"ConditionCheck": {
            "TableName": name, "Key": _key(n), "ConditionExpression": "v = :other",
            "ExpressionAttributeValues": {":other": {"N": "5"}}}}),
        "TransactionCanceledException",
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[None, ConditionalCheckFailed]"),
    "transact-index-key": (
        _transact_ok,
        lambda name, n: _transact_bad(name, n, {"Update": {
            "TableName": name, "Key": _key(n), "UpdateExpression": "SET g = :g",
            "ExpressionAttributeValues": {":g": {"N": "7"}}}}),
        "ValidationException", WRONG_INDEX_TYPE),
    "partiql-duplicate": (
        _partiql_ok,
        lambda name, n: ("ExecuteStatement", {
            "Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'k{n}', 'g': 'moved'}}"}),
        "DuplicateItemException", "Duplicate primary key exists in table"),
    "partiql-index-key": (
        _partiql_ok,
        lambda name, n: ("ExecuteStatement", {
            "Statement": f"UPDATE \"{name}\" SET v = 9 SET g = 7 WHERE pk = 'k{n}'"}),
        "ValidationException", WRONG_INDEX_TYPE),
    # The transaction's first statement is valid and comes first: not written either.
    "partiql-transaction-index-key": (
        _partiql_ok,
        lambda name, n: ("ExecuteTransaction", {"TransactStatements": [
            {"Statement": f"INSERT INTO \"{name}\" VALUE "
                          f"{{'pk': 'k{n + 100}', 'v': 9, 'g': 'moved'}}"},
            {"Statement": f"UPDATE \"{name}\" SET g = 7 WHERE pk = 'k{n}'"}]}),
        "ValidationException", WRONG_INDEX_TYPE),
}


@pytest.mark.parametrize("failing", [0, 3, WRITERS - 1])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_failed_write_in_a_busy_group_leaves_nothing_and_the_others_commit(
        ddb: Any, streams: Any, endpoint: str, case: str, failing: int) -> None:
    ok, bad, code, message = CASES[case]
    name, arn = _table(ddb)
    requests = [bad(name, n) if n == failing else ok(name, n) for n in range(WRITERS)]
    answers = _send_together(endpoint, requests)

    for n, (status, body) in enumerate(answers):
        if n == failing:
            assert status == 400, body
            assert body["__type"].rsplit("#", 1)[-1] == code
            assert body.get("message", body.get("Message")) == message
        else:
            assert status == 200, body
    # The others' writes are committed; the failed one's item is as it was, other keys it
    # named (a batch's) hold nothing.
    expected_items: dict[int, Body | None] = {}
    for n in range(WRITERS):
        if n == failing:
            expected_items[n] = _item(n, 0)
        elif ok is _delete_ok:
            expected_items[n] = None
        else:
            expected_items[n] = _item(n, 1)
        expected_items[n + 100] = (_item(n + 100, 1) if ok is _batch_ok and n != failing
                                   else None)
        expected_items[n + 200] = None
    for n, item in expected_items.items():
        found = ddb.get_item(TableName=name, Key=_key(n), ConsistentRead=True).get("Item")
        assert found == item, (n, found)
    # No stream record of the failed write: one record for each write of the others (after
    # the eight INSERTs that made the items).
    records = read_stream(streams, arn)
    recorded = sorted(r["dynamodb"]["Keys"]["pk"]["S"] for r in records)
    changed = list(range(WRITERS)) + [n for n in range(WRITERS) if n != failing]
    if ok is _batch_ok:
        changed += [n + 100 for n in range(WRITERS) if n != failing]
    assert recorded == sorted(f"k{n}" for n in changed)
    # No index entry of the failed write; the untouched item's entry is still there.
    moved = ddb.query(TableName=name, IndexName=INDEX, KeyConditionExpression="g = :g",
                      ExpressionAttributeValues={":g": {"S": "moved"}})
    assert moved["Items"] == []
    kept = ddb.query(TableName=name, IndexName=INDEX, KeyConditionExpression="g = :g",
                     ExpressionAttributeValues={":g": {"S": f"g{failing}"}})
    assert kept["Items"] == [_item(failing, 0)]
