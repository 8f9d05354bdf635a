"""CreateTable: the response, validation of key schema, attribute definitions, billing mode and
throughput (wording from dynalite's test/createTable.js, recorded against AWS), duplicates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

HASH = [{"AttributeName": "a", "KeyType": "HASH"}]
DEF_A = [{"AttributeName": "a", "AttributeType": "S"}]
DEF_AB = [{"AttributeName": "a", "AttributeType": "S"}, {"AttributeName": "b", "AttributeType": "S"}]
PROVISIONED = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
INVALID = "One or more parameter values were invalid: "


@pytest.fixture
def created(ddb: Any, unique: Callable[[str], str]) -> Any:
    names: list[str] = []

    def create(**kwargs: Any) -> dict[str, Any]:
        name = unique("ct")
        names.append(name)
        return ddb.create_table(TableName=name, **kwargs)["TableDescription"]

    yield create
    for name in names:
        try:
            ddb.delete_table(TableName=name)
        except ddb.exceptions.ResourceNotFoundException:
            pass


def test_create_pay_per_request_table_describes_it(created: Any) -> None:
    table = created(KeySchema=HASH, AttributeDefinitions=DEF_A, BillingMode="PAY_PER_REQUEST")
    assert table["TableStatus"] == "CREATING"
    assert table["KeySchema"] == HASH
    assert table["AttributeDefinitions"] == DEF_A
    assert table["ItemCount"] == 0
    assert table["TableSizeBytes"] == 0
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    assert isinstance(table["CreationDateTime"], datetime)
    assert table["TableArn"] == (
        f"arn:aws:dynamodb:us-east-1:000000000000:table/{table['TableName']}")
    assert len(table["TableId"]) == 36


def test_create_provisioned_table_keeps_its_throughput(created: Any) -> None:
    table = created(KeySchema=HASH, AttributeDefinitions=DEF_A,
                    ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 7})
    assert table["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0, "ReadCapacityUnits": 5, "WriteCapacityUnits": 7}
    assert "BillingModeSummary" not in table


def test_create_table_with_range_key(created: Any) -> None:
    schema = HASH + [{"AttributeName": "b", "KeyType": "RANGE"}]
    table = created(KeySchema=schema, AttributeDefinitions=DEF_AB, BillingMode="PAY_PER_REQUEST")
    assert table["KeySchema"] == schema


def test_create_table_with_stream_returns_stream_arn(created: Any) -> None:
    table = created(KeySchema=HASH, AttributeDefinitions=DEF_A, BillingMode="PAY_PER_REQUEST",
                    StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    label = table["LatestStreamLabel"]
    assert table["LatestStreamArn"] == f"{table['TableArn']}/stream/{label}"


def test_create_table_with_sse_describes_kms_key(created: Any) -> None:
    table = created(KeySchema=HASH, AttributeDefinitions=DEF_A, BillingMode="PAY_PER_REQUEST",
                    SSESpecification={"Enabled": True})
    assert table["SSEDescription"]["Status"] == "ENABLED"
    assert table["SSEDescription"]["SSEType"] == "KMS"
    assert table["SSEDescription"]["KMSMasterKeyArn"].startswith("arn:aws:kms:us-east-1:")


def test_create_table_with_deletion_protection(created: Any) -> None:
    table = created(KeySchema=HASH, AttributeDefinitions=DEF_A, BillingMode="PAY_PER_REQUEST",
                    DeletionProtectionEnabled=False, Tags=[{"Key": "team", "Value": "x"}])
    assert table["DeletionProtectionEnabled"] is False


def test_duplicate_table_is_resource_in_use(ddb: Any, table: str, expect_error: Any) -> None:
    expect_error(ddb.create_table, "ResourceInUseException", f"Table already exists: {table}",
                 TableName=table, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                 AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                 BillingMode="PAY_PER_REQUEST")


@pytest.mark.parametrize(("kwargs", "message"), [
    pytest.param(dict(KeySchema=HASH, AttributeDefinitions=DEF_A),
                 INVALID + "ReadCapacityUnits and WriteCapacityUnits must both be specified when "
                 "BillingMode is PROVISIONED", id="provisioned-without-throughput"),
    pytest.param(dict(KeySchema=HASH, AttributeDefinitions=DEF_A, BillingMode="PAY_PER_REQUEST",
                      ProvisionedThroughput=PROVISIONED),
                 INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                 "BillingMode is PAY_PER_REQUEST", id="on-demand-with-throughput"),
    pytest.param(dict(KeySchema=HASH, AttributeDefinitions=DEF_A, ProvisionedThroughput={
                     "ReadCapacityUnits": 1000000000001, "WriteCapacityUnits": 1000000000001}),
                 "Given value 1000000000001 for ReadCapacityUnits is out of bounds",
                 id="read-units-out-of-bounds"),
    pytest.param(dict(KeySchema=HASH, AttributeDefinitions=DEF_A, ProvisionedThroughput={
                     "ReadCapacityUnits": 1000000000000, "WriteCapacityUnits": 1000000000001}),
                 "Given value 1000000000001 for WriteCapacityUnits is out of bounds",
                 id="write-units-out-of-bounds"),
    pytest.param(dict(KeySchema=HASH, AttributeDefinitions=[{"AttributeName": "b",
                                                             "AttributeType": "S"}],
                      ProvisionedThroughput=PROVISIONED),
                 INVALID + "Some index key attributes are not defined in AttributeDefinitions. "
                 "Keys: [a], AttributeDefinitions: [b]", id="key-not-defined"),
    pytest.param(dict(KeySchema=HASH + HASH, AttributeDefinitions=DEF_A,
                      ProvisionedThroughput=PROVISIONED),
                 "Invalid KeySchema: Some index key attribute have no definition",
                 id="two-keys-one-definition"),
    pytest.param(dict(KeySchema=HASH + HASH, AttributeDefinitions=DEF_AB,
                      ProvisionedThroughput=PROVISIONED),
                 "Both the Hash Key and the Range Key element in the KeySchema have the same name",
                 id="same-key-twice"),
    pytest.param(dict(KeySchema=HASH + [{"AttributeName": "b", "KeyType": "HASH"}],
                      AttributeDefinitions=DEF_AB, ProvisionedThroughput=PROVISIONED),
                 "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
                 id="two-hash-keys"),
    pytest.param(dict(KeySchema=[{"AttributeName": "a", "KeyType": "RANGE"},
                                 {"AttributeName": "b", "KeyType": "HASH"}],
                      AttributeDefinitions=DEF_AB, ProvisionedThroughput=PROVISIONED),
                 "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
                 id="range-first"),
    pytest.param(dict(KeySchema=HASH, AttributeDefinitions=DEF_AB,
                      ProvisionedThroughput=PROVISIONED),
                 INVALID + "Number of attributes in KeySchema does not exactly match number of "
                 "attributes defined in AttributeDefinitions", id="extra-definition"),
    pytest.param(dict(KeySchema=HASH, AttributeDefinitions=[{"AttributeName": "a",
                                                             "AttributeType": "SS"}],
                      ProvisionedThroughput=PROVISIONED),
                 "1 validation error detected: Value 'SS' at "
                 "'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: "
                 "Member must satisfy enum value set: [B, N, S]", id="set-attribute-type"),
])
def test_create_table_validation(ddb: Any, invalid: Any, kwargs: dict[str, Any],
                                 message: str) -> None:
    invalid(ddb.create_table, message, TableName="abc", **kwargs)


def test_table_name_pattern_and_length(ddb: Any, invalid: Any) -> None:
    invalid(ddb.create_table,
            "2 validation errors detected: Value 'a;' at 'tableName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; "
            "Value 'a;' at 'tableName' failed to satisfy constraint: Member must have length "
            "greater than or equal to 3",
            TableName="a;", KeySchema=HASH, AttributeDefinitions=DEF_A,
            BillingMode="PAY_PER_REQUEST")


def test_three_key_elements_are_too_many(ddb: Any, invalid: Any) -> None:
    schema = HASH + [{"AttributeName": "b", "KeyType": "RANGE"},
                     {"AttributeName": "c", "KeyType": "RANGE"}]
    response = invalid(ddb.create_table, None, TableName="abc", KeySchema=schema,
                       AttributeDefinitions=DEF_AB, BillingMode="PAY_PER_REQUEST")
    message = response["Error"]["Message"]
    assert message.startswith("1 validation error detected: Value '")
    assert message.endswith("' at 'keySchema' failed to satisfy constraint: "
                            "Member must have length less than or equal to 2")


def test_missing_required_members(raw: Any) -> None:
    status, body = raw.op("CreateTable", {"TableName": "abc"})
    assert status == 400
    assert body["__type"].endswith("#ValidationException")
    assert body["message"] == (
        "2 validation errors detected: Value null at 'attributeDefinitions' failed to satisfy "
        "constraint: Member must not be null; Value null at 'keySchema' failed to satisfy "
        "constraint: Member must not be null")


def test_model_checks_come_before_throughput_bounds(raw: Any) -> None:
    status, body = raw.op("CreateTable", {
        "TableName": "abc", "KeySchema": HASH, "AttributeDefinitions": DEF_A,
        "ProvisionedThroughput": {"ReadCapacityUnits": 1000000000001, "WriteCapacityUnits": -1}})
    assert status == 400
    assert body["message"] == (
        "1 validation error detected: Value '-1' at 'provisionedThroughput.writeCapacityUnits' "
        "failed to satisfy constraint: Member must have value greater than or equal to 1")


def test_billing_mode_must_be_known(raw: Any) -> None:
    status, body = raw.op("CreateTable", {
        "TableName": "abc", "KeySchema": HASH, "AttributeDefinitions": DEF_A,
        "BillingMode": "FREE"})
    assert status == 400
    assert body["__type"].endswith("#ValidationException")
    assert body["message"].startswith(
        "1 validation error detected: Value 'FREE' at 'billingMode' failed to satisfy "
        "constraint: Member must satisfy enum value set: [")


@pytest.mark.parametrize(("tags", "message"), [
    ([{"Key": "aws:foo", "Value": "x"}], "Tag Key cannot be prefixed with aws:, Key: aws:foo"),
    ([{"Key": f"k{i}", "Value": "v"} for i in range(51)],
     "Number of Tags exceed the current limit for the provided ResourceArn"),
])
def test_invalid_tags_fail_the_create(ddb: Any, invalid: Any, unique: Callable[[str], str],
                                      expect_error: Any, tags: list[dict[str, str]],
                                      message: str) -> None:
    name = unique("ct")
    invalid(ddb.create_table, message, TableName=name, KeySchema=HASH,
            AttributeDefinitions=DEF_A, BillingMode="PAY_PER_REQUEST", Tags=tags)
    expect_error(ddb.describe_table, "ResourceNotFoundException",
                 f"Requested resource not found: Table: {name} not found", TableName=name)


def test_fifty_tags_and_no_tags_are_accepted(created: Any) -> None:
    created(KeySchema=HASH, AttributeDefinitions=DEF_A, BillingMode="PAY_PER_REQUEST",
            Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    created(KeySchema=HASH, AttributeDefinitions=DEF_A, BillingMode="PAY_PER_REQUEST", Tags=[])


def test_duplicate_create_is_rejected_whatever_the_parameters(ddb: Any, table: str,
                                                              expect_error: Any) -> None:
    expect_error(ddb.create_table, "ResourceInUseException", f"Table already exists: {table}",
                 TableName=table, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                 AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "N"}],
                 ProvisionedThroughput=PROVISIONED)


def test_invalid_schema_beats_duplicate_name(ddb: Any, table: str, invalid: Any) -> None:
    invalid(ddb.create_table, "Invalid KeySchema: The first KeySchemaElement is not a HASH key "
            "type", TableName=table, KeySchema=[{"AttributeName": "pk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST")


def test_table_names_are_case_sensitive(ddb: Any, table: str, created: Any) -> None:
    upper = ddb.create_table(TableName=table.upper(), KeySchema=HASH,
                             AttributeDefinitions=DEF_A, BillingMode="PAY_PER_REQUEST")
    try:
        assert upper["TableDescription"]["TableName"] == table.upper()
    finally:
        ddb.delete_table(TableName=table.upper())


@pytest.mark.parametrize(("sse", "enabled"), [
    ({}, False),
    ({"Enabled": False}, False),
    ({"SSEType": "KMS"}, True),
    ({"SSEType": "KMS", "KMSMasterKeyId": "alias/aws/dynamodb"}, True),
    ({"Enabled": True}, True),
])
def test_sse_specification_variants(created: Any, sse: dict[str, Any], enabled: bool) -> None:
    table = created(KeySchema=HASH, AttributeDefinitions=DEF_A, BillingMode="PAY_PER_REQUEST",
                    SSESpecification=sse)
    if enabled:
        assert table["SSEDescription"]["Status"] == "ENABLED"
        assert table["SSEDescription"]["SSEType"] == "KMS"
    else:
        assert "SSEDescription" not in table


def test_duplicated_attribute_definition(ddb: Any, invalid: Any) -> None:
    # AWS names the attribute (scylladb/scylladb#13870, recorded against DynamoDB).
    invalid(ddb.create_table, "Attribute Name is duplicated: a", TableName="abc",
            KeySchema=HASH, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=DEF_A + [{"AttributeName": "a", "AttributeType": "N"}])


def test_missing_table_name(raw: Any) -> None:
    status, body = raw.op("CreateTable", {"KeySchema": HASH, "AttributeDefinitions": DEF_A,
                                          "BillingMode": "PAY_PER_REQUEST"})
    assert (status, body["message"]) == (
        400, "The parameter 'TableName' is required but was not present in the request")
    assert body["__type"] == "com.amazon.coral.validate#ValidationException"


def test_empty_table_name(raw: Any) -> None:
    # botocore refuses an empty TableName itself, so this goes over plain HTTP.
    status, body = raw.op("CreateTable", {"TableName": "", "KeySchema": HASH,
                                          "AttributeDefinitions": DEF_A,
                                          "BillingMode": "PAY_PER_REQUEST"})
    assert (status, body["message"]) == (
        400, "TableName must be at least 3 characters long and at most 255 characters long")


def test_tag_with_forbidden_characters(ddb: Any, invalid: Any) -> None:
    invalid(ddb.create_table, "1 validation error detected: Value 'a;b' at 'tags.1.member.key' "
            "failed to satisfy constraint: Member must satisfy regular expression pattern: "
            r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*", TableName="abc", KeySchema=HASH,
            AttributeDefinitions=DEF_A, BillingMode="PAY_PER_REQUEST",
            Tags=[{"Key": "a;b", "Value": "v"}])
    assert "abc" not in ddb.list_tables()["TableNames"]


def test_response_shows_gsis_creating_with_the_table(ddb: Any, unique: Any) -> None:
    name = unique("tbl")
    index = {"IndexName": "by_b", "KeySchema": [{"AttributeName": "b", "KeyType": "HASH"}],
             "Projection": {"ProjectionType": "ALL"}}
    created = ddb.create_table(TableName=name, KeySchema=HASH, AttributeDefinitions=DEF_AB,
                               BillingMode="PAY_PER_REQUEST",
                               GlobalSecondaryIndexes=[index])["TableDescription"]
    try:
        assert created["TableStatus"] == "CREATING"
        assert [i["IndexStatus"] for i in created["GlobalSecondaryIndexes"]] == ["CREATING"]
        described = ddb.describe_table(TableName=name)["Table"]
        assert [i["IndexStatus"] for i in described["GlobalSecondaryIndexes"]] == ["ACTIVE"]
    finally:
        ddb.delete_table(TableName=name)
