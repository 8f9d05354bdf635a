"""Index definition rules of CreateTable and UpdateTable that AWS enforces: projections, GSI key
schemas (multi-attribute included) and GlobalSecondaryIndexUpdates entries. Messages as
recorded against AWS (ack-api-quirks DDB-TABLE-123/126/160/162 and its catalogue DDB-TABLE-442;
scylladb's test_gsi_key_type_conflict_on_update for the redefinition message)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

INVALID = "One or more parameter values were invalid: "
VALIDATION = "ValidationException"
PK = [{"AttributeName": "pk", "AttributeType": "S"}]


def strings(*names: str) -> list[dict[str, str]]:
    return [{"AttributeName": name, "AttributeType": "S"} for name in names]


def schema(*elements: str) -> list[dict[str, str]]:
    """'a' is a HASH attribute, 'a:R' a RANGE one."""
    return [{"AttributeName": e.split(":")[0],
             "KeyType": "RANGE" if e.endswith(":R") else "HASH"} for e in elements]


def gsi(name: str, key: list[dict[str, str]], projection: dict[str, Any] | None = None
        ) -> dict[str, Any]:
    return {"IndexName": name, "KeySchema": key,
            "Projection": projection or {"ProjectionType": "ALL"}}


@pytest.fixture
def create(ddb: Any, unique: Callable[[str], str], expect_error: Callable[..., Any]
           ) -> Callable[..., None]:
    """create(message, indexes, attributes): CreateTable with those GSIs fails with message."""
    def check(message: str, indexes: list[dict[str, Any]], attributes: list[str]) -> None:
        expect_error(ddb.create_table, VALIDATION, message, TableName=unique("bad"),
                     BillingMode="PAY_PER_REQUEST", KeySchema=schema("pk"),
                     AttributeDefinitions=strings("pk", *attributes),
                     GlobalSecondaryIndexes=indexes)
    return check


@pytest.fixture
def plain(make_table: Callable[..., str]) -> str:
    return make_table()


@pytest.mark.parametrize(("key", "message"), [
    (schema("a", "b", "c", "d", "e"),
     f"{INVALID}The KeySchema exceeds the maximum allowed number of HASH key attributes"),
    (schema("a", "b:R", "c:R", "d:R", "e:R", "f:R"),
     f"{INVALID}The KeySchema exceeds the maximum allowed number of RANGE key attributes"),
    (schema("a", "b:R", "c"),
     f"{INVALID}All HASH key attributes must precede RANGE key attributes in the KeySchema"),
    (schema("a", "b", "a:R"), "The KeySchema contains multiple key attributes with the same name"),
    (schema("b:R", "a"), "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"),
])
def test_gsi_key_schema_rules(create: Callable[..., None], key: list[dict[str, str]],
                              message: str) -> None:
    create(message, [gsi("gi1", key)], sorted({k["AttributeName"] for k in key}))


def test_eight_attribute_gsi_key(ddb: Any, unique: Callable[[str], str]) -> None:
    key = schema("h1", "h2", "h3", "h4", "r1:R", "r2:R", "r3:R", "r4:R")
    names = [k["AttributeName"] for k in key]
    name = unique("eight")
    created = ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                               KeySchema=schema("pk"), AttributeDefinitions=strings("pk", *names),
                               GlobalSecondaryIndexes=[gsi("gi1", key)])
    try:
        assert created["TableDescription"]["GlobalSecondaryIndexes"][0]["KeySchema"] == key
    finally:
        ddb.delete_table(TableName=name)


def test_lsi_keeps_two_elements(create: Callable[..., None], ddb: Any,
                                unique: Callable[[str], str], expect_error: Callable[..., Any]
                                ) -> None:
    lsi = gsi("li1", schema("pk", "a:R", "b:R"))
    response = expect_error(
        ddb.create_table, VALIDATION, TableName=unique("bad"), BillingMode="PAY_PER_REQUEST",
        KeySchema=schema("pk", "sk:R"), AttributeDefinitions=strings("pk", "sk", "a", "b"),
        LocalSecondaryIndexes=[lsi])
    assert response["Error"]["Message"].endswith(
        "Member must have length less than or equal to 2")


@pytest.mark.parametrize(("projection", "message"), [
    ({"ProjectionType": "INCLUDE"},
     f"{INVALID}ProjectionType is INCLUDE, but NonKeyAttributes is not specified"),
    ({"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x", "y", "x"]},
     f"{INVALID}Duplicate element in NonKeyAttributes: x"),
    ({"ProjectionType": "KEYS_ONLY", "NonKeyAttributes": ["x"]},
     f"{INVALID}ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified"),
])
def test_projection_rules(create: Callable[..., None], projection: dict[str, Any],
                          message: str) -> None:
    create(message, [gsi("gi1", schema("g"), projection)], ["g"])


def test_provisioned_gsi_needs_throughput(ddb: Any, unique: Callable[[str], str],
                                          expect_error: Callable[..., Any]) -> None:
    expect_error(ddb.create_table, VALIDATION,
                 f"{INVALID}ProvisionedThroughput is not specified for index: gi1",
                 TableName=unique("bad"), KeySchema=schema("pk"),
                 AttributeDefinitions=strings("pk", "g"),
                 ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                 GlobalSecondaryIndexes=[gsi("gi1", schema("g"))])


# ---- UpdateTable GlobalSecondaryIndexUpdates


def update_error(ddb: Any, expect_error: Callable[..., Any], table: str, message: str,
                 updates: list[dict[str, Any]], code: str = VALIDATION, **kwargs: Any) -> None:
    expect_error(ddb.update_table, code, message, TableName=table,
                 GlobalSecondaryIndexUpdates=updates, **kwargs)


def test_entry_rules(ddb: Any, plain: str, expect_error: Callable[..., Any]) -> None:
    create = {"IndexName": "gi1", "KeySchema": schema("g"),
              "Projection": {"ProjectionType": "ALL"}}
    update_error(ddb, expect_error, plain,
                 f"{INVALID}One of GlobalSecondaryIndexUpdate.Update, "
                 "GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not "
                 "be null", [{}])
    update_error(ddb, expect_error, plain,
                 f"{INVALID}Only one global secondary index action is allowed per "
                 "GlobalSecondaryIndexUpdate object",
                 [{"Create": create, "Delete": {"IndexName": "gi2"}}],
                 AttributeDefinitions=strings("g"))
    update_error(ddb, expect_error, plain,
                 f"{INVALID}Only one global secondary index update per index is allowed "
                 "simultaneously. Index: gi1",
                 [{"Delete": {"IndexName": "gi1"}}, {"Create": create}],
                 AttributeDefinitions=strings("g"))


def test_create_needs_attribute_definitions(ddb: Any, plain: str,
                                            expect_error: Callable[..., Any]) -> None:
    update_error(ddb, expect_error, plain,
                 f"{INVALID}AttributeDefinitions is not specified for index: gi1",
                 [{"Create": gsi("gi1", schema("g"))}])


def test_create_needs_its_keys_defined_in_the_request(ddb: Any, make_table: Callable[..., str],
                                                      expect_error: Callable[..., Any]) -> None:
    """The table's own definition of sk does not count (dynoxide#144, observed on AWS)."""
    table = make_table(range_key="sk")
    update_error(ddb, expect_error, table,
                 "Invalid KeySchema: Some index key attribute have no definition",
                 [{"Create": gsi("gi1", schema("g", "sk:R"))}],
                 AttributeDefinitions=strings("g"))


def test_create_may_not_redefine_a_key_type(ddb: Any, indexed_table: str,
                                            expect_error: Callable[..., Any]) -> None:
    update_error(ddb, expect_error, indexed_table,
                 f"{INVALID}Attributes cannot be redefined. Please check that your attribute has "
                 "the same type as previously defined. Existing schema: "
                 "Schema:[SchemaElement: key{owner:S:HASH}] New schema: "
                 "Schema:[SchemaElement: key{owner:N:HASH}]",
                 [{"Create": gsi("by_owner2", schema("owner"))}],
                 AttributeDefinitions=[{"AttributeName": "owner", "AttributeType": "N"}])


def test_conflicting_definitions_of_other_attributes_are_ignored(ddb: Any,
                                                                 indexed_table: str) -> None:
    before = ddb.describe_table(TableName=indexed_table)["Table"]["AttributeDefinitions"]
    ddb.update_table(TableName=indexed_table,
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "N"},
                                           {"AttributeName": "unused", "AttributeType": "S"},
                                           {"AttributeName": "color", "AttributeType": "S"}],
                     GlobalSecondaryIndexUpdates=[{"Create": gsi("by_color", schema("color"))}])
    after = ddb.describe_table(TableName=indexed_table)["Table"]["AttributeDefinitions"]
    assert after == before + strings("color")


def test_delete_prunes_definitions(ddb: Any, indexed_table: str) -> None:
    ddb.update_table(TableName=indexed_table,
                     GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by_owner"}}],
                     AttributeDefinitions=strings("ignored"))
    names = [d["AttributeName"] for d in
             ddb.describe_table(TableName=indexed_table)["Table"]["AttributeDefinitions"]]
    assert "owner" not in names and "ignored" not in names and "status" in names


def test_create_existing_index_and_lsi_names(ddb: Any, indexed_table: str,
                                             expect_error: Callable[..., Any]) -> None:
    update_error(ddb, expect_error, indexed_table,
                 "Attempting to create an index which already exists",
                 [{"Create": gsi("by_status", schema("owner"))}],
                 AttributeDefinitions=strings("owner"))
    update_error(ddb, expect_error, indexed_table,
                 "Cannot delete an index that is not a GlobalSecondaryIndex: by_rank",
                 [{"Delete": {"IndexName": "by_rank"}}])
    update_error(ddb, expect_error, indexed_table,
                 f"Requested resource not found: Index nope for table {indexed_table}",
                 [{"Delete": {"IndexName": "nope"}}], code="ResourceNotFoundException")


def test_update_table_throughput_wording(ddb: Any, unique: Callable[[str], str],
                                         indexed_table: str,
                                         expect_error: Callable[..., Any]) -> None:
    update_error(ddb, expect_error, indexed_table,
                 f"{INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified "
                 "for index: gi9 when BillingMode is PAY_PER_REQUEST",
                 [{"Create": gsi("gi9", schema("owner")) | {"ProvisionedThroughput": {
                     "ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}],
                 AttributeDefinitions=strings("owner"))
    update_error(ddb, expect_error, indexed_table,
                 f"{INVALID}The only Updates for index: by_status when TableThroughputMode is "
                 "PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput",
                 [{"Update": {"IndexName": "by_status", "ProvisionedThroughput": {
                     "ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}])
    name = unique("prov")
    ddb.create_table(TableName=name, KeySchema=schema("pk"), AttributeDefinitions=PK,
                     ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    try:
        update_error(ddb, expect_error, name,
                     f"{INVALID}Both ReadCapacityUnits and WriteCapacityUnits must be specified "
                     "for index: gi1", [{"Create": gsi("gi1", schema("g"))}],
                     AttributeDefinitions=strings("g"))
    finally:
        ddb.delete_table(TableName=name)


def test_twenty_first_gsi_is_a_limit(ddb: Any, unique: Callable[[str], str],
                                     expect_error: Callable[..., Any]) -> None:
    name = unique("many")
    keys = [f"g{n}" for n in range(20)]
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", KeySchema=schema("pk"),
                     AttributeDefinitions=strings("pk", *keys),
                     GlobalSecondaryIndexes=[gsi(f"gi{n}", schema(k)) for n, k in enumerate(keys)])
    try:
        update_error(ddb, expect_error, name,
                     "Subscriber limit exceeded: Number of global secondary indexes exceeds "
                     "per-table limit of 20", [{"Create": gsi("gi99", schema("extra"))}],
                     code="LimitExceededException", AttributeDefinitions=strings("extra"))
    finally:
        ddb.delete_table(TableName=name)


@pytest.mark.parametrize(("member", "message"), [
    ({"StreamSpecification": {"StreamEnabled": False}},
     "You cannot create or delete index while changing stream status"),
    ({"DeletionProtectionEnabled": True},
     "DeletionProtection modification must be the only operation in the request"),
    ({"TableClass": "STANDARD"}, "TableClass modification must be the only operation in the request"),
])
def test_create_goes_alone(ddb: Any, indexed_table: str, expect_error: Callable[..., Any],
                           member: dict[str, Any], message: str) -> None:
    """ack-api-quirks DDB-TABLE-174; nothing of the request is applied."""
    update_error(ddb, expect_error, indexed_table, f"{INVALID}{message}",
                 [{"Delete": {"IndexName": "by_owner"}}], **member)
    table = ddb.describe_table(TableName=indexed_table)["Table"]
    assert len(table["GlobalSecondaryIndexes"]) == 2
    assert not table["DeletionProtectionEnabled"]


def test_empty_updates_next_to_another_change(ddb: Any, plain: str,
                                              expect_error: Callable[..., Any]) -> None:
    """ack-api-quirks DDB-TABLE-359: refused, and the other change is not applied."""
    update_error(ddb, expect_error, plain,
                 f"{INVALID}List of GlobalSecondaryIndexUpdates is empty", [],
                 DeletionProtectionEnabled=True)
    assert not ddb.describe_table(TableName=plain)["Table"]["DeletionProtectionEnabled"]


def test_create_with_billing_mode_and_index_update(ddb: Any, indexed_table: str) -> None:
    ddb.update_table(TableName=indexed_table, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=strings("color"),
                     GlobalSecondaryIndexUpdates=[{"Create": gsi("by_color", schema("color"))}])
    names = [i["IndexName"] for i in
             ddb.describe_table(TableName=indexed_table)["Table"]["GlobalSecondaryIndexes"]]
    assert names == ["by_status", "by_owner", "by_color"]
