"""DescribeLimits."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.context import RequestContext

# AWS's default per-account and per-table provisioned throughput quotas (DynamoDB developer
# guide "Service, account, and table quotas"), which DescribeLimits reports in every region.
ACCOUNT_MAX_UNITS = 80000
TABLE_MAX_UNITS = 40000


def describe_limits(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DescribeLimits: AWS's default quotas; Headwater itself enforces none of them."""
    return {
        "AccountMaxReadCapacityUnits": ACCOUNT_MAX_UNITS,
        "AccountMaxWriteCapacityUnits": ACCOUNT_MAX_UNITS,
        "TableMaxReadCapacityUnits": TABLE_MAX_UNITS,
        "TableMaxWriteCapacityUnits": TABLE_MAX_UNITS,
    }
