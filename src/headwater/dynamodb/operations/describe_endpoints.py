"""DescribeEndpoints."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.context import RequestContext

CACHE_MINUTES = 1440


def describe_endpoints(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DescribeEndpoints: the regional endpoint AWS names, cached for a day as AWS answers."""
    return {"Endpoints": [{"Address": f"dynamodb.{ctx.region}.amazonaws.com",
                           "CachePeriodInMinutes": CACHE_MINUTES}]}
