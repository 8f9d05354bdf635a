"""DescribeTable."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.errors import ResourceNotFoundException
from headwater.dynamodb.table import Table


def describe_table(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DescribeTable, with an exact ItemCount and TableSizeBytes."""
    name = request["TableName"]
    table = ctx.runtime.tables.find(ctx.account, ctx.region, name)
    if table is None:
        raise ResourceNotFoundException(f"Requested resource not found: Table: {name} not found")
    return {"Table": table_description(ctx, table)}


def table_description(ctx: RequestContext, table: Table) -> dict[str, Any]:
    tables = ctx.runtime.tables
    count, size = tables.stats(table)
    description = dict(table.description, ItemCount=count, TableSizeBytes=size)
    for member in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if member in description:
            described = []
            for index in description[member]:
                index_count, index_size = tables.index_stats(table, index["IndexName"])
                described.append(dict(index, IndexSizeBytes=index_size, ItemCount=index_count))
            description[member] = described
    return description
