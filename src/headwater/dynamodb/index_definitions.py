"""Secondary index definitions on CreateTable and UpdateTable: AWS's validation (wording from
dynalite's validations/createTable.js, which records AWS's responses, and ack-api-quirks
DDB-TABLE-126/128 for projections and index throughput) and the descriptions DescribeTable
shows."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.key_schema import check_gsi_key_schema, check_key_schema
from headwater.dynamodb.throughput import throughput_description

INVALID = "One or more parameter values were invalid: "
MAX_LSI = 5
MAX_GSI = 20


def check_indexes(request: dict[str, Any], billing_mode: str) -> None:
    definitions = request["AttributeDefinitions"]
    key_schema = request["KeySchema"]
    names: set[str] = set()
    lsis = request.get("LocalSecondaryIndexes")
    if lsis is not None:
        if not lsis:
            raise ValidationException(f"{INVALID}List of LocalSecondaryIndexes is empty")
        if len(key_schema) != 2:
            raise ValidationException(
                f"{INVALID}Table KeySchema does not have a range key, which is required when "
                "specifying a LocalSecondaryIndex")
        for index in lsis:
            check_key_schema(index["KeySchema"], definitions)
            check_projection(index)
            _check_name(index, names)
            if len(index["KeySchema"]) != 2:
                raise ValidationException(
                    f"{INVALID}Index KeySchema does not have a range key for index: "
                    f"{index['IndexName']}")
            index_hash = index["KeySchema"][0]["AttributeName"]
            table_hash = key_schema[0]["AttributeName"]
            if index_hash != table_hash:
                raise ValidationException(
                    f"{INVALID}Index KeySchema does not have the same leading hash key as table "
                    f"KeySchema for index: {index['IndexName']}. index hash key: {index_hash}, "
                    f"table hash key: {table_hash}")
        if len(lsis) > MAX_LSI:
            raise ValidationException(
                f"{INVALID}Number of LocalSecondaryIndexes exceeds per-table limit of {MAX_LSI}")
    gsis = request.get("GlobalSecondaryIndexes")
    if gsis is not None:
        if not gsis:
            raise ValidationException(f"{INVALID}List of GlobalSecondaryIndexes is empty")
        for index in gsis:
            check_gsi_key_schema(index["KeySchema"], definitions)
            check_projection(index)
            _check_name(index, names)
            check_gsi_throughput(index, billing_mode)
        if len(gsis) > MAX_GSI:
            raise ValidationException(
                f"{INVALID}GlobalSecondaryIndex count exceeds the per-table limit of {MAX_GSI}")


def check_gsi_throughput(index: dict[str, Any], billing_mode: str) -> None:
    name = index["IndexName"]
    if billing_mode == "PAY_PER_REQUEST" and index.get("ProvisionedThroughput"):
        raise ValidationException(
            f"{INVALID}ProvisionedThroughput should not be specified for index: {name} when "
            "BillingMode is PAY_PER_REQUEST")
    if billing_mode == "PROVISIONED" and not index.get("ProvisionedThroughput"):
        raise ValidationException(
            f"{INVALID}ProvisionedThroughput is not specified for index: {name}")


def check_projection(index: dict[str, Any]) -> None:
    projection = index["Projection"]
    projection_type = projection.get("ProjectionType")
    if projection_type is None:
        raise ValidationException(f"{INVALID}Unknown ProjectionType: null")
    attributes = projection.get("NonKeyAttributes")
    if attributes and projection_type != "INCLUDE":
        raise ValidationException(
            f"{INVALID}ProjectionType is {projection_type}, but NonKeyAttributes is specified")
    if projection_type == "INCLUDE" and not attributes:
        raise ValidationException(
            f"{INVALID}ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
    seen: set[str] = set()
    for attribute in attributes or []:
        if attribute in seen:
            raise ValidationException(
                f"{INVALID}Duplicate element in NonKeyAttributes: {attribute}")
        seen.add(attribute)


def _check_name(index: dict[str, Any], names: set[str]) -> None:
    name = index["IndexName"]
    if name in names:
        raise ValidationException(f"{INVALID}Duplicate index name: {name}")
    names.add(name)


def used_attributes(request: dict[str, Any]) -> set[str]:
    """Every attribute named by the table's or an index's key schema."""
    used = {k["AttributeName"] for k in request["KeySchema"]}
    for member in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
        for index in request.get(member) or []:
            used.update(k["AttributeName"] for k in index["KeySchema"])
    return used


def gsi_description(table_arn: str, index: dict[str, Any], billing_mode: str,
                    status: str = "ACTIVE") -> dict[str, Any]:
    description = {
        "IndexName": index["IndexName"],
        "KeySchema": index["KeySchema"],
        "Projection": index["Projection"],
        "IndexStatus": status,
        "ProvisionedThroughput": throughput_description(billing_mode,
                                                        index.get("ProvisionedThroughput")),
        "IndexArn": f"{table_arn}/index/{index['IndexName']}",
    }
    return description


def lsi_description(table_arn: str, index: dict[str, Any]) -> dict[str, Any]:
    return {
        "IndexName": index["IndexName"],
        "KeySchema": index["KeySchema"],
        "Projection": index["Projection"],
        "IndexArn": f"{table_arn}/index/{index['IndexName']}",
    }
