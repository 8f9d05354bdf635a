"""Index key values on write and on backfill: AWS refuses a write whose index key attribute has
the wrong type, is empty or is too large, and a GSI added later leaves such items out ("index
key violations", AWS GSI.OnlineOps.ViolationDetection). The size message is the one AWS
returns for a GSI partition key (observed: 'Size limit exceeded for Index Key qrCode Actual
Size: 5028 bytes Max Size: 2048 bytes IndexName: QRCodeIndex')."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

INVALID = "One or more parameter values were invalid: "


def item(sk: int, **attributes: dict[str, str]) -> dict[str, Any]:
    return {"pk": {"S": "a"}, "sk": {"N": str(sk)}, **attributes}


@pytest.mark.parametrize(("attributes", "message"), [
    ({"owner": {"S": "x" * 2049}},
     f"{INVALID}Size limit exceeded for Index Key owner Actual Size: 2049 bytes Max Size: 2048 "
     "bytes IndexName: by_owner"),
    ({"owner": {"S": "é" * 1025}},  # UTF-8 bytes count, not characters
     f"{INVALID}Size limit exceeded for Index Key owner Actual Size: 2050 bytes Max Size: 2048 "
     "bytes IndexName: by_owner"),
])
def test_gsi_partition_key_size(ddb: Any, indexed_table: str, expect_error: Callable[..., Any],
                                attributes: dict[str, Any], message: str) -> None:
    expect_error(ddb.put_item, "ValidationException", message, TableName=indexed_table,
                 Item=item(1, **attributes))
    assert "Item" not in ddb.get_item(TableName=indexed_table, Key=item(1))


def test_gsi_key_of_2048_bytes_is_accepted(ddb: Any, indexed_table: str) -> None:
    ddb.put_item(TableName=indexed_table, Item=item(1, owner={"S": "é" * 1024}))
    found = ddb.query(TableName=indexed_table, IndexName="by_owner",
                      KeyConditionExpression="#o = :o", ExpressionAttributeNames={"#o": "owner"},
                      ExpressionAttributeValues={":o": {"S": "é" * 1024}})
    assert found["Count"] == 1


def test_index_sort_key_size(ddb: Any, unique: Callable[[str], str],
                             expect_error: Callable[..., Any]) -> None:
    name = unique("rsize")
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "g", "r")],
        GlobalSecondaryIndexes=[{"IndexName": "gsi", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                               {"AttributeName": "r", "KeyType": "RANGE"}]}])
    try:
        ddb.put_item(TableName=name, Item={"pk": {"S": "1"}, "r": {"S": "x" * 1024}})
        expect_error(ddb.put_item, "ValidationException",
                     f"{INVALID}Size limit exceeded for Index Key r Actual Size: 1025 bytes Max "
                     "Size: 1024 bytes IndexName: gsi",
                     TableName=name, Item={"pk": {"S": "2"}, "r": {"S": "x" * 1025}})
        expect_error(ddb.update_item, "ValidationException",
                     f"{INVALID}Size limit exceeded for Index Key r Actual Size: 1025 bytes Max "
                     "Size: 1024 bytes IndexName: gsi",
                     TableName=name, Key={"pk": {"S": "1"}}, UpdateExpression="SET r = :r",
                     ExpressionAttributeValues={":r": {"S": "y" * 1025}})
    finally:
        ddb.delete_table(TableName=name)


def test_backfill_leaves_out_key_violations(ddb: Any, unique: Callable[[str], str]) -> None:
    name = unique("backfill")
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    try:
        values = {"good": {"S": "v"}, "number": {"N": "1"}, "empty": {"S": ""},
                  "huge": {"S": "x" * 2049}, "binary": {"B": "AQ=="}}
        for pk, value in values.items():
            ddb.put_item(TableName=name, Item={"pk": {"S": pk}, "g": value})
        ddb.put_item(TableName=name, Item={"pk": {"S": "absent"}})
        ddb.update_table(TableName=name,
                         AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
                         GlobalSecondaryIndexUpdates=[{"Create": {
                             "IndexName": "by_g", "Projection": {"ProjectionType": "ALL"},
                             "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}}])
        scanned = ddb.scan(TableName=name, IndexName="by_g")
        assert [i["pk"]["S"] for i in scanned["Items"]] == ["good"]
        table = ddb.describe_table(TableName=name)["Table"]
        assert table["GlobalSecondaryIndexes"][0]["ItemCount"] == 1
        assert table["ItemCount"] == 6
    finally:
        ddb.delete_table(TableName=name)
