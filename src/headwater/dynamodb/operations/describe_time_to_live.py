"""DescribeTimeToLive (aws-facts §2.3)."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.errors import ResourceNotFoundException


def describe_time_to_live(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DescribeTimeToLive: ENABLED with the attribute, or DISABLED without one."""
    name = request["TableName"]
    table = ctx.runtime.tables.find(ctx.account, ctx.region, name)
    if table is None:
        raise ResourceNotFoundException(f"Requested resource not found: Table: {name} not found")
    if table.ttl.get("Enabled"):
        description = {"TimeToLiveStatus": "ENABLED", "AttributeName": table.ttl["AttributeName"]}
    else:
        description = {"TimeToLiveStatus": "DISABLED"}
    return {"TimeToLiveDescription": description}
