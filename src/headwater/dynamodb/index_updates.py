"""UpdateTable's GlobalSecondaryIndexUpdates: create (with backfill in the same transaction),
delete, and throughput updates of global secondary indexes."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb import index_store
from headwater.dynamodb.errors import (
    LimitExceededException,
    ResourceNotFoundException,
    ValidationException,
)
from headwater.dynamodb.index_definitions import check_gsi_throughput, gsi_description
from headwater.dynamodb.indexes import check_index_keys, index_entry
from headwater.dynamodb.key_schema import check_key_schema
from headwater.dynamodb.table import Table
from headwater.dynamodb.throughput import throughput_description

INVALID = "One or more parameter values were invalid: "


def apply_index_updates(conn: Any, table: Table, request: dict[str, Any], billing_mode: str
                        ) -> dict[str, str]:
    """Apply the updates inside the caller's transaction; returns index name -> status to show."""
    updates = request["GlobalSecondaryIndexUpdates"]
    online = [u for u in updates if "Create" in u or "Delete" in u]
    if len(online) > 1:
        raise LimitExceededException(
            "Subscriber limit exceeded: Only 1 online index can be created or deleted "
            "simultaneously per table")
    shown: dict[str, str] = {}
    for update in updates:
        if "Create" in update:
            _create(conn, table, update["Create"], request.get("AttributeDefinitions", []),
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
    table.refresh()
    return shown


def _create(conn: Any, table: Table, index: dict[str, Any], new_definitions: list[dict[str, Any]],
            billing_mode: str) -> None:
    description = table.description
    name = index["IndexName"]
    if table.index(name) is not None:
        raise ValidationException(f"{INVALID}Index with name {name} already exists")
    definitions = list(description["AttributeDefinitions"])
    known = {d["AttributeName"]: d["AttributeType"] for d in definitions}
    for definition in new_definitions:
        existing = known.get(definition["AttributeName"])
        if existing is not None and existing != definition["AttributeType"]:
            raise ValidationException(
                f"{INVALID}Cannot change the type of attribute {definition['AttributeName']}")
        if existing is None:
            definitions.append(definition)
            known[definition["AttributeName"]] = definition["AttributeType"]
    check_key_schema(index["KeySchema"], definitions)
    check_gsi_throughput(index, billing_mode)
    description["AttributeDefinitions"] = definitions
    gsis = description.setdefault("GlobalSecondaryIndexes", [])
    gsis.append(gsi_description(table.arn, index, billing_mode))
    table.refresh()
    created = table.index(name)
    assert created is not None
    for hk, rk, item in index_store.table_items(conn, table.id):
        check_index_keys([created], item)
        entry = index_entry(created, table.key_names, item)
        if entry is not None:
            index_store.put(conn, table.id, name, entry[0], entry[1], (hk, rk), entry[2])


def _delete(conn: Any, table: Table, name: str) -> None:
    gsis = table.description.get("GlobalSecondaryIndexes", [])
    if not any(index["IndexName"] == name for index in gsis):
        raise ResourceNotFoundException(f"Requested resource not found: Index: {name} not found")
    remaining = [index for index in gsis if index["IndexName"] != name]
    if remaining:
        table.description["GlobalSecondaryIndexes"] = remaining
    else:
        del table.description["GlobalSecondaryIndexes"]
    index_store.drop_index(conn, table.id, name)


def _update(table: Table, update: dict[str, Any], billing_mode: str) -> None:
    name = update["IndexName"]
    for index in table.description.get("GlobalSecondaryIndexes", []):
        if index["IndexName"] == name:
            if billing_mode == "PAY_PER_REQUEST":
                raise ValidationException(
                    f"{INVALID}ProvisionedThroughput should not be specified for index: {name} "
                    "when BillingMode is PAY_PER_REQUEST")
            index["ProvisionedThroughput"] = throughput_description(
                billing_mode, update["ProvisionedThroughput"])
            return
    raise ResourceNotFoundException(f"Requested resource not found: Index: {name} not found")
