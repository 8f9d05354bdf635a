"""DescribeEndpoints."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.context import RequestContext

CACHE_MINUTES = 1440


def describe_endpoints(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DescribeEndpoints: this server's host:port (AWS names its regional endpoint, also
    without a scheme), cached for a day as AWS answers."""
    return {"Endpoints": [{"Address": ctx.runtime.settings.address,
                           "CachePeriodInMinutes": CACHE_MINUTES}]}
