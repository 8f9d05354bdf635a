"""A table ARN wherever DynamoDB takes a TableName (botocore shape TableArn; developer guide
"DynamoDB API operations supported by resource-based policies": "table name overloading").

Echoed names follow the model documentation: ConsumedCapacity.TableName shows the ARN when the
input used one, and BatchGetItem's Responses are keyed by "table name or table ARN" as sent.
Tag operations resolve their ResourceArn the same way; ListStreams keeps its name-only TableName.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

ACCOUNT = "000000000000"  # the default credentials' account (AKIDTEST is not 12 digits)
OTHER_ACCOUNT = "123456789012"
INVALID_ARN = "Invalid TableArn: Invalid ResourceArn provided as input {}"
NOT_FOUND = "Requested resource not found"
TABLE_NOT_FOUND = "Requested resource not found: Table: {} not found"
TOTAL = {"ReturnConsumedCapacity": "TOTAL"}


def arn_of(name: str, account: str = ACCOUNT, region: str = "us-east-1") -> str:
    return f"arn:aws:dynamodb:{region}:{account}:table/{name}"


@pytest.fixture
def table_arn(ddb: Any, table: str) -> str:
    arn: str = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    assert arn == arn_of(table)
    return arn


def key(value: str) -> dict[str, Any]:
    return {"pk": {"S": value}}


# One call per operation family, each naming its table through `name`.
def _calls(name: str) -> dict[str, tuple[Any, dict[str, Any]]]:
    return {
        "GetItem": ("get_item", {"TableName": name, "Key": key("a")}),
        "PutItem": ("put_item", {"TableName": name, "Item": key("a")}),
        "UpdateItem": ("update_item", {"TableName": name, "Key": key("a"),
                                       "UpdateExpression": "SET v = :v",
                                       "ExpressionAttributeValues": {":v": {"N": "1"}}}),
        "DeleteItem": ("delete_item", {"TableName": name, "Key": key("a")}),
        "Query": ("query", {"TableName": name, "KeyConditionExpression": "pk = :p",
                            "ExpressionAttributeValues": {":p": {"S": "a"}}}),
        "Scan": ("scan", {"TableName": name}),
        "DescribeTable": ("describe_table", {"TableName": name}),
        "UpdateTable": ("update_table", {"TableName": name, "DeletionProtectionEnabled": False}),
        "DeleteTable": ("delete_table", {"TableName": name}),
        "DescribeTimeToLive": ("describe_time_to_live", {"TableName": name}),
        "UpdateTimeToLive": ("update_time_to_live", {"TableName": name, "TimeToLiveSpecification": {
            "Enabled": True, "AttributeName": "expires"}}),
        "BatchGetItem": ("batch_get_item", {"RequestItems": {name: {"Keys": [key("a")]}}}),
        "BatchWriteItem": ("batch_write_item", {"RequestItems": {
            name: [{"PutRequest": {"Item": key("a")}}]}}),
        "TransactGetItems": ("transact_get_items", {"TransactItems": [
            {"Get": {"TableName": name, "Key": key("a")}}]}),
        "TransactWriteItems": ("transact_write_items", {"TransactItems": [
            {"Put": {"TableName": name, "Item": key("a")}}]}),
    }


OPERATIONS = list(_calls("x"))
# What a missing table looks like per operation: control-plane calls name the table.
NAMED_NOT_FOUND = {"DescribeTable", "UpdateTable", "DeleteTable", "DescribeTimeToLive",
                   "UpdateTimeToLive"}


def call(ddb: Any, operation: str, name: str) -> Any:
    method, kwargs = _calls(name)[operation]
    return getattr(ddb, method)(**kwargs)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_accepts_the_table_arn(ddb: Any, table: str, table_arn: str,
                                               operation: str) -> None:
    call(ddb, operation, table_arn)
    if operation != "DeleteTable":
        ddb.describe_table(TableName=table)  # still there; the ARN named this very table


@pytest.mark.parametrize("operation", OPERATIONS)
def test_missing_table_arn_is_not_found(ddb: Any, expect_error: Any, unique: Any,
                                        operation: str) -> None:
    arn = arn_of(unique("gone"))
    message = TABLE_NOT_FOUND.format(arn) if operation in NAMED_NOT_FOUND else NOT_FOUND
    method, kwargs = _calls(arn)[operation]
    expect_error(getattr(ddb, method), "ResourceNotFoundException", message, **kwargs)


MALFORMED = [
    pytest.param("arn:aws:dynamodb:us-east-1:000000000000:table/tb1/index/by-v", id="index-arn"),
    pytest.param("arn:aws:dynamodb:us-east-1:000000000000:table/tb1/stream/2025-01-01T00:00:00.000",
                 id="stream-arn"),
    pytest.param("arn:aws:dynamodb:us-east-1:0000:table/tb1", id="short-account"),
    pytest.param("arn:aws:dynamodb:us-east-1:000000000000:table/a;b", id="bad-name"),
    pytest.param("arn:aws:dynamodb:us-east-1:000000000000:table/ab", id="short-name"),
    pytest.param("arn:aws:dynamodb:us-east-1:000000000000:backup/tb1", id="not-a-table"),
    pytest.param("arn:aws:s3:::bucket", id="other-service"),
    pytest.param("arn:", id="bare-prefix"),
]


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("arn", MALFORMED)
def test_malformed_arn_is_a_validation_error(ddb: Any, invalid: Any, operation: str,
                                             arn: str) -> None:
    method, kwargs = _calls(arn)[operation]
    invalid(getattr(ddb, method), INVALID_ARN.format(arn), **kwargs)


def test_overlong_arn_fails_the_model_length(ddb: Any, invalid: Any) -> None:
    arn = arn_of("t" * 1000)
    invalid(ddb.describe_table, f"1 validation error detected: Value '{arn}' at 'tableName' "
            "failed to satisfy constraint: Member must have length less than or equal to 1024",
            TableName=arn)


@pytest.mark.parametrize("operation", [op for op in OPERATIONS if not op.startswith("Batch")])
@pytest.mark.parametrize(("name", "failure"), [
    pytest.param("a;b", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
                 id="pattern"),
    pytest.param("ab", "Member must have length greater than or equal to 3", id="short"),
    pytest.param("a" * 256, "Member must have length less than or equal to 255", id="long"),
])
def test_plain_names_keep_the_name_rules(ddb: Any, invalid: Any, operation: str, name: str,
                                         failure: str) -> None:
    method, kwargs = _calls(name)[operation]
    where = {"TransactGetItems": "transactItems.1.member.get.tableName",
             "TransactWriteItems": "transactItems.1.member.put.tableName"}.get(operation,
                                                                               "tableName")
    invalid(getattr(ddb, method), f"1 validation error detected: Value '{name}' at '{where}' "
            f"failed to satisfy constraint: {failure}", **kwargs)


@pytest.mark.parametrize("operation", ["BatchGetItem", "BatchWriteItem"])
def test_plain_request_items_keys_keep_the_name_rules(ddb: Any, expect_error: Any,
                                                      operation: str) -> None:
    method, kwargs = _calls("a;b")[operation]
    expect_error(getattr(ddb, method), "ValidationException", **kwargs)


def test_items_written_by_arn_are_read_by_name(ddb: Any, table: str, table_arn: str) -> None:
    ddb.put_item(TableName=table_arn, Item={**key("a"), "v": {"N": "1"}})
    ddb.update_item(TableName=table_arn, Key=key("a"), UpdateExpression="SET w = :w",
                    ExpressionAttributeValues={":w": {"S": "x"}})
    item = ddb.get_item(TableName=table, Key=key("a"))["Item"]
    assert item == {**key("a"), "v": {"N": "1"}, "w": {"S": "x"}}
    assert ddb.query(TableName=table_arn, KeyConditionExpression="pk = :p",
                     ExpressionAttributeValues={":p": {"S": "a"}})["Items"] == [item]
    assert ddb.scan(TableName=table_arn)["Items"] == [item]
    ddb.delete_item(TableName=table_arn, Key=key("a"))
    assert "Item" not in ddb.get_item(TableName=table, Key=key("a"))


@pytest.mark.parametrize("operation", ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query",
                                       "Scan"])
def test_consumed_capacity_echoes_the_arn(ddb: Any, table_arn: str, operation: str) -> None:
    method, kwargs = _calls(table_arn)[operation]
    response = getattr(ddb, method)(**kwargs, **TOTAL)
    assert response["ConsumedCapacity"]["TableName"] == table_arn


def test_consumed_capacity_echoes_a_plain_name(ddb: Any, table: str) -> None:
    response = ddb.get_item(TableName=table, Key=key("a"), **TOTAL)
    assert response["ConsumedCapacity"]["TableName"] == table


def test_batch_get_item_keys_responses_as_sent(ddb: Any, table: str, table_arn: str,
                                               make_table: Callable[..., str]) -> None:
    other = make_table()
    ddb.put_item(TableName=table, Item=key("a"))
    ddb.put_item(TableName=other, Item=key("b"))
    response = ddb.batch_get_item(RequestItems={
        table_arn: {"Keys": [key("a")]}, other: {"Keys": [key("b")]}}, **TOTAL)
    assert response["Responses"] == {table_arn: [key("a")], other: [key("b")]}
    assert response["UnprocessedKeys"] == {}
    assert {c["TableName"] for c in response["ConsumedCapacity"]} == {table_arn, other}


def test_batch_write_item_by_arn(ddb: Any, table: str, table_arn: str) -> None:
    ddb.put_item(TableName=table, Item=key("old"))
    response = ddb.batch_write_item(RequestItems={table_arn: [
        {"PutRequest": {"Item": key("a")}}, {"DeleteRequest": {"Key": key("old")}}]}, **TOTAL)
    assert response["UnprocessedItems"] == {}
    assert [c["TableName"] for c in response["ConsumedCapacity"]] == [table_arn]
    assert ddb.scan(TableName=table)["Items"] == [key("a")]


def test_batch_write_item_sees_one_item_by_name_and_arn(ddb: Any, table: str, table_arn: str,
                                                       invalid: Any) -> None:
    invalid(ddb.batch_write_item, "Provided list of item keys contains duplicates",
            RequestItems={table: [{"PutRequest": {"Item": key("a")}}],
                          table_arn: [{"DeleteRequest": {"Key": key("a")}}]})


def test_transactions_by_arn(ddb: Any, table: str, table_arn: str) -> None:
    ddb.put_item(TableName=table, Item=key("b"))
    response = ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": table_arn, "Item": key("a")}},
        {"ConditionCheck": {"TableName": table_arn, "Key": key("b"),
                            "ConditionExpression": "attribute_exists(pk)"}},
    ], **TOTAL)
    assert [c["TableName"] for c in response["ConsumedCapacity"]] == [table_arn]
    got = ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": table_arn, "Key": key("a")}},
        {"Get": {"TableName": table, "Key": key("b")}},
    ], **TOTAL)
    assert got["Responses"] == [{"Item": key("a")}, {"Item": key("b")}]
    assert {c["TableName"] for c in got["ConsumedCapacity"]} == {table_arn, table}


def test_transaction_sees_one_item_by_name_and_arn(ddb: Any, table: str, table_arn: str,
                                                   invalid: Any) -> None:
    invalid(ddb.transact_write_items,
            "Transaction request cannot include multiple operations on one item",
            TransactItems=[{"Put": {"TableName": table, "Item": key("a")}},
                           {"Delete": {"TableName": table_arn, "Key": key("a")}}])


def test_control_plane_by_arn(ddb: Any, table: str, table_arn: str) -> None:
    described = ddb.describe_table(TableName=table_arn)["Table"]
    assert described["TableName"] == table
    updated = ddb.update_table(TableName=table_arn, DeletionProtectionEnabled=True)
    assert updated["TableDescription"]["TableName"] == table
    assert ddb.describe_table(TableName=table)["Table"]["DeletionProtectionEnabled"] is True
    ddb.update_table(TableName=table_arn, DeletionProtectionEnabled=False)
    ddb.update_time_to_live(TableName=table_arn, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expires"})
    assert ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    deleted = ddb.delete_table(TableName=table_arn)["TableDescription"]
    assert (deleted["TableName"], deleted["TableStatus"]) == (table, "DELETING")
    assert table not in ddb.list_tables()["TableNames"]


def _create(ddb: Any, name: str) -> Any:
    return ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                            BillingMode="PAY_PER_REQUEST")


def test_create_table_with_own_arn_creates_the_named_table(ddb: Any, unique: Any,
                                                          expect_error: Any) -> None:
    name = unique("tbl")
    created = _create(ddb, arn_of(name))["TableDescription"]
    try:
        assert (created["TableName"], created["TableArn"]) == (name, arn_of(name))
        assert name in ddb.list_tables()["TableNames"]
        expect_error(_create, "ResourceInUseException", f"Table already exists: {name}",
                     ddb=ddb, name=arn_of(name))
    finally:
        ddb.delete_table(TableName=name)


@pytest.mark.parametrize(("account", "region"), [
    pytest.param(OTHER_ACCOUNT, "us-east-1", id="other-account"),
    pytest.param(ACCOUNT, "eu-west-1", id="other-region"),
])
def test_create_table_elsewhere_is_refused(ddb: Any, unique: Any, invalid: Any, account: str,
                                           region: str) -> None:
    arn = arn_of(unique("tbl"), account, region)
    invalid(_create, f"Table ARN {arn} must name a table in the caller's account {ACCOUNT} "
            "and region us-east-1", ddb=ddb, name=arn)
    assert not [n for n in ddb.list_tables()["TableNames"] if arn.endswith(f"/{n}")]


def test_create_table_with_malformed_arn(ddb: Any, invalid: Any) -> None:
    arn = "arn:aws:dynamodb:us-east-1:000000000000:table/tb1/index/i"
    invalid(_create, INVALID_ARN.format(arn), ddb=ddb, name=arn)


@pytest.mark.parametrize(("account", "region"), [
    pytest.param(OTHER_ACCOUNT, "us-east-1", id="other-account"),
    pytest.param(ACCOUNT, "eu-west-1", id="other-region"),
])
def test_arn_reaches_another_accounts_table(ddb: Any, other_client: Callable[..., Any],
                                            table_in: Callable[[Any], str], account: str,
                                            region: str) -> None:
    owner = other_client(account if account != ACCOUNT else "AKIDTEST", region)
    name = table_in(owner)
    arn = owner.describe_table(TableName=name)["Table"]["TableArn"]
    assert arn == arn_of(name, account, region)
    ddb.put_item(TableName=arn, Item=key("a"))
    assert owner.get_item(TableName=name, Key=key("a"))["Item"] == key("a")
    assert ddb.batch_get_item(RequestItems={arn: {"Keys": [key("a")]}})["Responses"] == {
        arn: [key("a")]}
    # The plain name still means the caller's own account and region.
    assert name not in ddb.list_tables()["TableNames"]


# Tag operations take a ResourceArn, resolved like a TableName ARN: the ARN's own account and
# region, so another account's table is reachable (no resource policies here).
def _tag_calls(arn: str) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        "TagResource": ("tag_resource", {"ResourceArn": arn,
                                         "Tags": [{"Key": "env", "Value": "x"}]}),
        "UntagResource": ("untag_resource", {"ResourceArn": arn, "TagKeys": ["env"]}),
        "ListTagsOfResource": ("list_tags_of_resource", {"ResourceArn": arn}),
    }


TAG_OPERATIONS = list(_tag_calls("x"))


def _tags(client: Any, arn: str) -> dict[str, str]:
    return {t["Key"]: t["Value"]
            for t in client.list_tags_of_resource(ResourceArn=arn)["Tags"]}


@pytest.mark.parametrize(("account", "region"), [
    pytest.param(OTHER_ACCOUNT, "us-east-1", id="other-account"),
    pytest.param(ACCOUNT, "eu-west-1", id="other-region"),
])
def test_tags_reach_another_accounts_table_by_arn(ddb: Any, other_client: Callable[..., Any],
                                                  table_in: Callable[[Any], str], account: str,
                                                  region: str) -> None:
    owner = other_client(account if account != ACCOUNT else "AKIDTEST", region)
    name = table_in(owner)
    arn = arn_of(name, account, region)
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "x"},
                                            {"Key": "team", "Value": "y"}])
    assert _tags(owner, arn) == {"env": "x", "team": "y"}
    ddb.untag_resource(ResourceArn=arn, TagKeys=["env"])
    assert _tags(ddb, arn) == _tags(owner, arn) == {"team": "y"}


@pytest.mark.parametrize("operation", TAG_OPERATIONS)
def test_tags_on_another_accounts_missing_table_is_not_found(ddb: Any, expect_error: Any,
                                                             unique: Any, operation: str) -> None:
    arn = arn_of(unique("gone"), OTHER_ACCOUNT, "eu-west-1")
    method, kwargs = _tag_calls(arn)[operation]
    expect_error(getattr(ddb, method), "ResourceNotFoundException",
                 f"Requested resource not found: ResourcArn: {arn} not found", **kwargs)


@pytest.mark.parametrize("operation", TAG_OPERATIONS)
@pytest.mark.parametrize("arn", [*MALFORMED, pytest.param("tb1-plain-name", id="plain-name")])
def test_tags_with_malformed_arn(ddb: Any, invalid: Any, operation: str, arn: str) -> None:
    method, kwargs = _tag_calls(arn)[operation]
    invalid(getattr(ddb, method), INVALID_ARN.format(arn), **kwargs)


# DynamoDB Streams' model keeps ListStreams.TableName a name (shape TableName: 3-255,
# [a-zA-Z0-9_.-]+; no TableArn there), so an ARN fails the pattern as on AWS.
def test_list_streams_rejects_a_table_arn(streams: Any, table_arn: str, invalid: Any) -> None:
    invalid(streams.list_streams, f"1 validation error detected: Value '{table_arn}' at "
            "'tableName' failed to satisfy constraint: Member must satisfy regular expression "
            "pattern: [a-zA-Z0-9_.-]+", TableName=table_arn)
