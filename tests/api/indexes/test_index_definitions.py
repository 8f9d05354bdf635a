"""CreateTable and UpdateTable with secondary indexes: validation and descriptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from index_support import put

KEYS = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
DEFS = [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"},
        {"AttributeName": "g", "AttributeType": "S"}]


def gsi(name: str = "gi1", key: str = "g", projection: str = "ALL", **extra: Any) -> dict[str, Any]:
    return {"IndexName": name, "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
            "Projection": {"ProjectionType": projection}, **extra}


def create_error(ddb: Any, unique: Callable[[str], str], **kwargs: Any) -> str:
    with pytest.raises(ClientError) as raised:
        ddb.create_table(TableName=unique("bad"), BillingMode="PAY_PER_REQUEST", **kwargs)
    error = raised.value.response["Error"]
    assert error["Code"] == "ValidationException"
    return str(error["Message"])


def test_describe_shows_indexes_with_counts_and_arns(ddb: Any, indexed_table: str) -> None:
    put(ddb, indexed_table, "a", 1, status="open", owner="ann", rank=3, note="n")
    put(ddb, indexed_table, "a", 2, status="open")
    table = ddb.describe_table(TableName=indexed_table)["Table"]
    gsis = {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}
    lsis = {i["IndexName"]: i for i in table["LocalSecondaryIndexes"]}
    assert gsis["by_status"]["IndexStatus"] == "ACTIVE"
    assert gsis["by_status"]["ItemCount"] == 2
    assert gsis["by_owner"]["ItemCount"] == 1
    assert lsis["by_rank"]["ItemCount"] == 1
    assert gsis["by_status"]["IndexArn"] == f"{table['TableArn']}/index/by_status"
    assert gsis["by_owner"]["Projection"] == {"ProjectionType": "INCLUDE",
                                              "NonKeyAttributes": ["note"]}


def test_index_key_not_defined(ddb: Any, unique: Callable[[str], str]) -> None:
    message = create_error(ddb, unique, KeySchema=KEYS, AttributeDefinitions=DEFS[:2],
                           GlobalSecondaryIndexes=[gsi()])
    assert message == ("One or more parameter values were invalid: Some index key attributes are "
                       "not defined in AttributeDefinitions. Keys: [g], AttributeDefinitions: "
                       "[pk, sk]")


def test_unused_attribute_definition(ddb: Any, unique: Callable[[str], str]) -> None:
    message = create_error(ddb, unique, KeySchema=KEYS, AttributeDefinitions=DEFS)
    assert message == ("One or more parameter values were invalid: Number of attributes in "
                       "KeySchema does not exactly match number of attributes defined in "
                       "AttributeDefinitions")


def test_duplicate_index_name(ddb: Any, unique: Callable[[str], str]) -> None:
    message = create_error(ddb, unique, KeySchema=KEYS, AttributeDefinitions=DEFS,
                           GlobalSecondaryIndexes=[gsi(), gsi()])
    assert message == "One or more parameter values were invalid: Duplicate index name: gi1"


def test_non_key_attributes_need_include(ddb: Any, unique: Callable[[str], str]) -> None:
    index = gsi()
    index["Projection"] = {"ProjectionType": "ALL", "NonKeyAttributes": ["x"]}
    message = create_error(ddb, unique, KeySchema=KEYS, AttributeDefinitions=DEFS,
                           GlobalSecondaryIndexes=[index])
    assert message == ("One or more parameter values were invalid: ProjectionType is ALL, but "
                       "NonKeyAttributes is specified")


def test_gsi_throughput_on_pay_per_request(ddb: Any, unique: Callable[[str], str]) -> None:
    index = gsi(ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    message = create_error(ddb, unique, KeySchema=KEYS, AttributeDefinitions=DEFS,
                           GlobalSecondaryIndexes=[index])
    assert message == ("One or more parameter values were invalid: ProvisionedThroughput should "
                       "not be specified for index: gi1 when BillingMode is PAY_PER_REQUEST")


def test_lsi_needs_table_range_key(ddb: Any, unique: Callable[[str], str]) -> None:
    lsi = {"IndexName": "li1", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                            {"AttributeName": "g", "KeyType": "RANGE"}],
           "Projection": {"ProjectionType": "ALL"}}
    message = create_error(ddb, unique, KeySchema=KEYS[:1],
                           AttributeDefinitions=[DEFS[0], DEFS[2]], LocalSecondaryIndexes=[lsi])
    assert message == ("One or more parameter values were invalid: Table KeySchema does not have "
                       "a range key, which is required when specifying a LocalSecondaryIndex")


def test_lsi_needs_same_hash_key(ddb: Any, unique: Callable[[str], str]) -> None:
    lsi = {"IndexName": "li1", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                            {"AttributeName": "sk", "KeyType": "RANGE"}],
           "Projection": {"ProjectionType": "ALL"}}
    message = create_error(ddb, unique, KeySchema=KEYS, AttributeDefinitions=DEFS,
                           LocalSecondaryIndexes=[lsi])
    assert message == ("One or more parameter values were invalid: Index KeySchema does not have "
                       "the same leading hash key as table KeySchema for index: li1. index hash "
                       "key: g, table hash key: pk")


def test_wrongly_typed_index_key_is_rejected_on_write(ddb: Any, indexed_table: str) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.put_item(TableName=indexed_table,
                     Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "status": {"N": "1"}})
    assert raised.value.response["Error"]["Message"] == (
        "One or more parameter values were invalid: Type mismatch for Index Key status "
        "Expected: S Actual: N IndexName: by_status")


def test_empty_index_key_is_rejected_on_write(ddb: Any, indexed_table: str) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.put_item(TableName=indexed_table,
                     Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "owner": {"S": ""}})
    assert "IndexName: by_owner, IndexKey: owner" in raised.value.response["Error"]["Message"]


def test_update_table_creates_gsi_with_backfill(ddb: Any, indexed_table: str) -> None:
    for sk in range(5):
        put(ddb, indexed_table, "a", sk, color="red" if sk % 2 else "blue")
    response = ddb.update_table(
        TableName=indexed_table,
        AttributeDefinitions=[{"AttributeName": "color", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": gsi("by_color", "color")}],
    )
    shown = {i["IndexName"]: i["IndexStatus"]
             for i in response["TableDescription"]["GlobalSecondaryIndexes"]}
    assert shown["by_color"] == "CREATING"
    reds = ddb.query(TableName=indexed_table, IndexName="by_color",
                     KeyConditionExpression="color = :c",
                     ExpressionAttributeValues={":c": {"S": "red"}})
    assert sorted(int(i["sk"]["N"]) for i in reds["Items"]) == [1, 3]


def test_update_table_deletes_gsi(ddb: Any, indexed_table: str) -> None:
    response = ddb.update_table(TableName=indexed_table,
                                GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by_owner"}}])
    statuses = {i["IndexName"]: i.get("IndexStatus")
                for i in response["TableDescription"]["GlobalSecondaryIndexes"]}
    assert statuses["by_owner"] == "DELETING"
    table = ddb.describe_table(TableName=indexed_table)["Table"]
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["by_status"]
    with pytest.raises(ClientError) as raised:
        ddb.query(TableName=indexed_table, IndexName="by_owner",
                  KeyConditionExpression="#o = :o", ExpressionAttributeNames={"#o": "owner"},
                  ExpressionAttributeValues={":o": {"S": "x"}})
    assert raised.value.response["Error"]["Message"] == (
        "The table does not have the specified index: by_owner")


def test_two_online_index_changes_at_once(ddb: Any, indexed_table: str) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.update_table(TableName=indexed_table, GlobalSecondaryIndexUpdates=[
            {"Delete": {"IndexName": "by_owner"}}, {"Delete": {"IndexName": "by_status"}}])
    assert raised.value.response["Error"]["Code"] == "LimitExceededException"


def test_deleting_a_missing_index(ddb: Any, indexed_table: str) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.update_table(TableName=indexed_table,
                         GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "nope"}}])
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_failed_update_leaves_description_unchanged(ddb: Any, indexed_table: str) -> None:
    before = ddb.describe_table(TableName=indexed_table)["Table"]
    with pytest.raises(ClientError):
        ddb.update_table(TableName=indexed_table,
                         AttributeDefinitions=[{"AttributeName": "x", "AttributeType": "S"}],
                         GlobalSecondaryIndexUpdates=[{"Create": gsi("by_y", "y")}])
    after = ddb.describe_table(TableName=indexed_table)["Table"]
    assert after["AttributeDefinitions"] == before["AttributeDefinitions"]
    assert len(after["GlobalSecondaryIndexes"]) == len(before["GlobalSecondaryIndexes"])
