"""UpdateTable's GlobalSecondaryIndexUpdates: create (with backfill in the same transaction),
delete, and throughput updates of global secondary indexes.

Wording and rules as recorded against AWS: ack-api-quirks DDB-TABLE-160 (entry rules),
DDB-TABLE-162 (AttributeDefinitions is read only by a Create, from the request alone, and
conflicting entries for attributes the new index does not use are ignored), DDB-TABLE-151
(definitions no key schema uses any more are pruned), DDB-TABLE-152/169 and the message
catalogue DDB-TABLE-442; the redefinition message is the one scylladb's
test_gsi_key_type_conflict_on_update quotes from DynamoDB. Backfill leaves out items whose key
values the index could not hold (AWS "Detecting and correcting index key violations").
"""

from __future__ import annotations

from typing import Any

from headwater.dynamodb import index_store
from headwater.dynamodb.errors import (
    LimitExceededException,
    ResourceNotFoundException,
    ValidationException,
)
from headwater.dynamodb.index_definitions import MAX_GSI, check_projection, gsi_description
from headwater.dynamodb.indexes import index_entry, key_problem
from headwater.dynamodb.key_schema import check_gsi_key_schema
from headwater.dynamodb.table import Table
from headwater.dynamodb.throughput import throughput_description

INVALID = "One or more parameter values were invalid: "
ACTIONS = ("Update", "Create", "Delete")


# What may not share an UpdateTable with a GSI Create or Delete (ack-api-quirks DDB-TABLE-174).
_EXCLUSIVE = (
    ("ProvisionedThroughput", "You cannot create or delete index while updating table IOPS"),
    ("StreamSpecification", "You cannot create or delete index while changing stream status"),
    ("DeletionProtectionEnabled",
     "DeletionProtection modification must be the only operation in the request"),
    ("SSESpecification",
     "Server-Side Encryption modification must be the only operation in the request"),
    ("TableClass", "TableClass modification must be the only operation in the request"),
    ("WarmThroughput",
     "Create global secondary index cannot be specified when updating WarmThroughput"),
)


def check_update_members(request: dict[str, Any], changes: tuple[str, ...]) -> None:
    """UpdateTable's rules for GlobalSecondaryIndexUpdates next to other changes: an empty list
    with another change is refused (DDB-TABLE-359), and an index Create or Delete goes alone
    or with BillingMode and index Updates only (DDB-TABLE-174)."""
    if "GlobalSecondaryIndexUpdates" not in request:
        return
    updates = request["GlobalSecondaryIndexUpdates"]
    if not updates:
        if any(member in request for member in changes
               if member != "GlobalSecondaryIndexUpdates"):
            raise ValidationException(f"{INVALID}List of GlobalSecondaryIndexUpdates is empty")
        return
    if any("Create" in update or "Delete" in update for update in updates):
        for member, message in _EXCLUSIVE:
            if member in request:
                raise ValidationException(f"{INVALID}{message}")


def apply_index_updates(conn: Any, table: Table, request: dict[str, Any], billing_mode: str
                        ) -> dict[str, str]:
    """Apply the updates inside the caller's transaction; returns index name -> status to show."""
    updates = request["GlobalSecondaryIndexUpdates"]
    _check_entries(updates)
    online = [u for u in updates if "Create" in u or "Delete" in u]
    if len(online) > 1:
        raise LimitExceededException(
            "Subscriber limit exceeded: Only 1 online index can be created or deleted "
            "simultaneously per table")
    shown: dict[str, str] = {}
    for update in updates:
        if "Create" in update:
            _create(conn, table, update["Create"], request.get("AttributeDefinitions"),
                    billing_mode)
            shown[update["Create"]["IndexName"]] = "CREATING"
        elif "Delete" in update:
            name = update["Delete"]["IndexName"]
            _delete(conn, table, name)
            shown[name] = "DELETING"
        elif "Update" in update:
            name = update["Update"]["IndexName"]
            _update(table, update["Update"], billing_mode)
            shown[name] = "UPDATING"
    _prune_definitions(table.description)
    table.refresh()
    return shown


def _check_entries(updates: list[dict[str, Any]]) -> None:
    names: set[str] = set()
    for update in updates:
        actions = [action for action in ACTIONS if update.get(action) is not None]
        if not actions:
            raise ValidationException(
                f"{INVALID}One of GlobalSecondaryIndexUpdate.Update, "
                "GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not "
                "be null")
        if len(actions) > 1:
            raise ValidationException(
                f"{INVALID}Only one global secondary index action is allowed per "
                "GlobalSecondaryIndexUpdate object")
        name = update[actions[0]]["IndexName"]
        if name in names:
            raise ValidationException(
                f"{INVALID}Only one global secondary index update per index is allowed "
                f"simultaneously. Index: {name}")
        names.add(name)


def _create(conn: Any, table: Table, index: dict[str, Any],
            new_definitions: list[dict[str, Any]] | None, billing_mode: str) -> None:
    description = table.description
    name = index["IndexName"]
    if not new_definitions:
        raise ValidationException(
            f"{INVALID}AttributeDefinitions is not specified for index: {name}")
    if table.index(name) is not None:
        raise ValidationException("Attempting to create an index which already exists")
    # The new index's keys must be defined in this request, even when the table defines them.
    check_gsi_key_schema(index["KeySchema"], new_definitions)
    _check_redefinitions(table, index, new_definitions)
    check_projection(index)
    _check_throughput(index, billing_mode)
    gsis = description.setdefault("GlobalSecondaryIndexes", [])
    if len(gsis) >= MAX_GSI:
        raise LimitExceededException(
            "Subscriber limit exceeded: Number of global secondary indexes exceeds per-table "
            f"limit of {MAX_GSI}")
    known = {d["AttributeName"] for d in description["AttributeDefinitions"]}
    keys = {k["AttributeName"] for k in index["KeySchema"]}
    description["AttributeDefinitions"] = description["AttributeDefinitions"] + [
        d for d in new_definitions if d["AttributeName"] in keys - known]
    gsis.append(gsi_description(table.arn, index, billing_mode))
    table.refresh()
    created = table.index(name)
    assert created is not None
    for hk, rk, item in index_store.table_items(conn, table.id):
        if key_problem(created, item) is not None:
            continue  # an index key violation: the item stays out of the index
        entry = index_entry(created, table.key_names, item)
        if entry is not None:
            index_store.put(conn, table.id, name, entry[0], entry[1], (hk, rk), entry[2])


def _check_redefinitions(table: Table, index: dict[str, Any],
                         new_definitions: list[dict[str, Any]]) -> None:
    """A key attribute of the new index may not change the type the table already gives it."""
    existing = {d["AttributeName"]: d["AttributeType"]
                for d in table.description["AttributeDefinitions"]}
    requested = {d["AttributeName"]: d["AttributeType"] for d in new_definitions}
    for element in index["KeySchema"]:
        attribute = element["AttributeName"]
        if attribute in existing and existing[attribute] != requested[attribute]:
            raise ValidationException(
                f"{INVALID}Attributes cannot be redefined. Please check that your attribute has "
                "the same type as previously defined. Existing schema: "
                f"{_schema(_schema_using(table, attribute), existing)} New schema: "
                f"{_schema(index['KeySchema'], existing | requested)}")


def _schema_using(table: Table, attribute: str) -> list[dict[str, Any]]:
    """The key schema (table or index) that already defines `attribute`."""
    description = table.description
    schemas = [description["KeySchema"]] + [
        index["KeySchema"] for member in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes")
        for index in description.get(member, [])]
    return next(schema for schema in schemas
                if any(k["AttributeName"] == attribute for k in schema))


def _schema(key_schema: list[dict[str, Any]], types: dict[str, str]) -> str:
    elements = ", ".join(
        f"SchemaElement: key{{{k['AttributeName']}:{types[k['AttributeName']]}:{k['KeyType']}}}"
        for k in key_schema)
    return f"Schema:[{elements}]"


def _check_throughput(index: dict[str, Any], billing_mode: str) -> None:
    """UpdateTable's own wording for a new index's throughput (DDB-TABLE-152, -442)."""
    name = index["IndexName"]
    if billing_mode == "PAY_PER_REQUEST" and index.get("ProvisionedThroughput"):
        raise ValidationException(
            f"{INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for "
            f"index: {name} when BillingMode is PAY_PER_REQUEST")
    if billing_mode == "PROVISIONED" and not index.get("ProvisionedThroughput"):
        raise ValidationException(
            f"{INVALID}Both ReadCapacityUnits and WriteCapacityUnits must be specified for "
            f"index: {name}")


def _global_index(table: Table, name: str, verb: str) -> list[dict[str, Any]]:
    """The table's GSI descriptions, after checking `name` is one of them."""
    gsis: list[dict[str, Any]] = table.description.get("GlobalSecondaryIndexes", [])
    if any(index["IndexName"] == name for index in gsis):
        return gsis
    if table.index(name) is not None:
        raise ValidationException(
            f"Cannot {verb} an index that is not a GlobalSecondaryIndex: {name}")
    raise ResourceNotFoundException(
        f"Requested resource not found: Index {name} for table {table.name}")


def _delete(conn: Any, table: Table, name: str) -> None:
    gsis = _global_index(table, name, "delete")
    remaining = [index for index in gsis if index["IndexName"] != name]
    if remaining:
        table.description["GlobalSecondaryIndexes"] = remaining
    else:
        del table.description["GlobalSecondaryIndexes"]
    index_store.drop_index(conn, table.id, name)


def _update(table: Table, update: dict[str, Any], billing_mode: str) -> None:
    name = update["IndexName"]
    for index in _global_index(table, name, "update"):
        if index["IndexName"] == name:
            if billing_mode == "PAY_PER_REQUEST":
                raise ValidationException(
                    f"{INVALID}The only Updates for index: {name} when TableThroughputMode is "
                    "PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput")
            index["ProvisionedThroughput"] = throughput_description(
                billing_mode, update["ProvisionedThroughput"])
            return


def _prune_definitions(description: dict[str, Any]) -> None:
    """Keep exactly the attribute definitions some key schema uses (DDB-TABLE-151)."""
    used = {k["AttributeName"] for k in description["KeySchema"]}
    for member in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
        for index in description.get(member, []):
            used.update(k["AttributeName"] for k in index["KeySchema"])
    description["AttributeDefinitions"] = [
        d for d in description["AttributeDefinitions"] if d["AttributeName"] in used]
