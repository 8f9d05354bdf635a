"""DeleteTable."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.errors import ResourceNotFoundException, ValidationException
from headwater.dynamodb.operations.describe_table import table_description
from headwater.dynamodb.replicas.delete import leave_group
from headwater.dynamodb.stream_specification import disable_stream

# Members AWS leaves out of DeleteTable's TableDescription (issue 11; the API reference's
# example response and recorded answers show name, status, throughput, size, count, ARN, id).
OMITTED = ("CreationDateTime", "KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes",
           "LocalSecondaryIndexes")


def delete_table(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DeleteTable; the table's stream stays readable for 24 hours, as on AWS."""
    name = request["TableName"]
    tables = ctx.runtime.tables
    table = tables.find(ctx.account, ctx.region, name)
    if table is None:
        raise ResourceNotFoundException(f"Requested resource not found: Table: {name} not found")
    if table.description.get("DeletionProtectionEnabled"):
        raise ValidationException(
            "Resource cannot be deleted as it is currently protected against deletion. Disable "
            "deletion protection first."
        )
    description = table_description(ctx, table)
    with ctx.runtime.storage.transaction():
        if table.replicated:
            leave_group(ctx.runtime, table)
        if table.stream_view_type is not None:
            disable_stream(ctx.runtime, table)
        tables.remove(table)
        # Its policy and its streams' go with it (observed: a Get by the old stream ARN
        # answers PolicyNotFoundException).
        ctx.runtime.resource_policies.delete_under(table.arn)
    description["TableStatus"] = "DELETING"
    for member in OMITTED:
        description.pop(member, None)
    return {"TableDescription": description}
