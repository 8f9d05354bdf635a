"""ListTables."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.context import RequestContext

MAX_LIMIT = 100


def list_tables(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListTables: names in order, at most Limit (100) per page."""
    names = ctx.runtime.tables.names(ctx.account, ctx.region)
    start = request.get("ExclusiveStartTableName")
    if start is not None:
        names = [name for name in names if name > start]
    limit = request.get("Limit", MAX_LIMIT)
    page = names[:limit]
    response: dict[str, Any] = {"TableNames": page}
    if len(names) > limit:
        response["LastEvaluatedTableName"] = page[-1]
    return response
