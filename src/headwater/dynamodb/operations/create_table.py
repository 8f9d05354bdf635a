"""CreateTable."""

from __future__ import annotations

import uuid
from typing import Any

from headwater.core.arns import table_arn
from headwater.dynamodb.catalog import locate
from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.encryption import sse_description
from headwater.dynamodb.errors import ResourceInUseException, ValidationException
from headwater.dynamodb.index_definitions import (
    check_indexes,
    gsi_description,
    lsi_description,
    used_attributes,
)
from headwater.dynamodb.key_schema import check_definitions, check_key_schema
from headwater.dynamodb.stream_specification import (
    check_shard_tag,
    check_stream_specification,
    enable_stream,
)
from headwater.dynamodb.tags import check_characters, tag_locations
from headwater.dynamodb.throughput import check_throughput, throughput_description

UNSUPPORTED = ("VectorIndexes", "GlobalTableSourceArn", "ResourcePolicy")
MAX_TAGS = 50
RESERVED_TAG_PREFIX = "aws:"


def check_table_name_given(request: dict[str, Any]) -> None:
    """CreateTable's own words for a missing or empty TableName, answered before the model's
    checks (dynalite test/createTable.js, recorded against DynamoDB)."""
    name = request.get("TableName")
    if name is None:
        raise ValidationException(
            "The parameter 'TableName' is required but was not present in the request")
    if name == "":
        raise ValidationException(
            "TableName must be at least 3 characters long and at most 255 characters long")


def create_table(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """CreateTable. The table is ACTIVE as soon as the call returns CREATING."""
    name = _new_table_name(ctx, request["TableName"])
    key_schema = request["KeySchema"]
    definitions = request["AttributeDefinitions"]
    billing_mode = request.get("BillingMode", "PROVISIONED")
    for member in UNSUPPORTED:
        if request.get(member):
            raise ValidationException(f"Headwater does not support {member} yet")
    check_throughput(billing_mode, request.get("ProvisionedThroughput"))
    check_key_schema(key_schema, definitions)
    check_indexes(request, billing_mode)
    check_definitions(definitions, used_attributes(request))
    stream_spec = request.get("StreamSpecification")
    if stream_spec is not None:
        check_stream_specification(stream_spec, None, name)
    _check_tags(request.get("Tags", []))
    tables = ctx.runtime.tables
    if tables.find(ctx.account, ctx.region, name) is not None:
        raise ResourceInUseException(f"Table already exists: {name}")
    now = ctx.runtime.clock.now()
    description: dict[str, Any] = {
        "AttributeDefinitions": definitions,
        "TableName": name,
        "KeySchema": key_schema,
        "TableStatus": "ACTIVE",
        "CreationDateTime": now,
        "ProvisionedThroughput": throughput_description(
            billing_mode, request.get("ProvisionedThroughput")
        ),
        "TableArn": table_arn(ctx.region, ctx.account, name),
        "TableId": str(uuid.uuid4()),
        "DeletionProtectionEnabled": bool(request.get("DeletionProtectionEnabled", False)),
    }
    arn = description["TableArn"]
    if request.get("GlobalSecondaryIndexes"):
        description["GlobalSecondaryIndexes"] = [
            gsi_description(arn, index, billing_mode) for index in request["GlobalSecondaryIndexes"]
        ]
    if request.get("LocalSecondaryIndexes"):
        description["LocalSecondaryIndexes"] = [
            lsi_description(arn, index) for index in request["LocalSecondaryIndexes"]
        ]
    if "BillingMode" in request:
        description["BillingModeSummary"] = _billing_summary(billing_mode, now)
    if request.get("TableClass"):
        description["TableClassSummary"] = {"TableClass": request["TableClass"]}
    sse = request.get("SSESpecification") or {}
    # Without Enabled, an SSEType alone turns KMS encryption on (ack-api-quirks DDB-TABLE-044).
    if sse.get("Enabled", "SSEType" in sse):
        description["SSEDescription"] = sse_description(ctx.region, ctx.account, sse)
    tags = {tag["Key"]: tag["Value"] for tag in request.get("Tags", [])}
    check_shard_tag(tags)
    with ctx.runtime.storage.transaction():
        table = tables.add(ctx.account, ctx.region, name, description, tags)
        if stream_spec and stream_spec.get("StreamEnabled"):
            enable_stream(ctx.runtime, table, stream_spec["StreamViewType"])
    response = dict(table.description, TableStatus="CREATING", ItemCount=0, TableSizeBytes=0)
    for member in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if member in response:
            response[member] = [dict(index, IndexSizeBytes=0, ItemCount=0)
                                for index in response[member]]
    # A GSI is CREATING with its table (LSIs carry no status); it is ACTIVE by the next read.
    for index in response.get("GlobalSecondaryIndexes", []):
        index["IndexStatus"] = "CREATING"
    return {"TableDescription": response}


def _billing_summary(billing_mode: str, now: float) -> dict[str, Any]:
    summary: dict[str, Any] = {"BillingMode": billing_mode}
    if billing_mode == "PAY_PER_REQUEST":
        summary["LastUpdateToPayPerRequestDateTime"] = now
    return summary


def _new_table_name(ctx: RequestContext, requested: str) -> str:
    """The name to create: TableName, or the name in a table ARN of the caller's own account
    and region (the API reference: "You can also provide the Amazon Resource Name (ARN) of the
    table in this parameter"). A table is only ever created in the caller's account and
    region, so an ARN for another is refused rather than created elsewhere."""
    account, region, name = locate(ctx.account, ctx.region, requested)
    if (account, region) != (ctx.account, ctx.region):
        raise ValidationException(
            f"Table ARN {requested} must name a table in the caller's account {ctx.account} "
            f"and region {ctx.region}")
    return name


def _check_tags(tags: list[dict[str, str]]) -> None:
    """CreateTable's own tag wording, which differs from TagResource's (ack-api-quirks
    DDB-TABLE-110, verified 2026-10-08); a rejected create creates nothing."""
    check_characters(tag_locations(tags))
    for tag in tags:
        if tag["Key"].startswith(RESERVED_TAG_PREFIX):
            raise ValidationException(
                f"Tag Key cannot be prefixed with {RESERVED_TAG_PREFIX}, Key: {tag['Key']}")
    if len(tags) > MAX_TAGS:
        raise ValidationException(
            "Number of Tags exceed the current limit for the provided ResourceArn")
