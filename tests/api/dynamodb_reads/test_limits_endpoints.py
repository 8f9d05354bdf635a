"""DescribeLimits and DescribeEndpoints."""

from __future__ import annotations

from typing import Any


def test_describe_limits(ddb: Any) -> None:
    response = ddb.describe_limits()
    response.pop("ResponseMetadata")
    assert response == {"AccountMaxReadCapacityUnits": 80000, "AccountMaxWriteCapacityUnits": 80000,
                        "TableMaxReadCapacityUnits": 40000, "TableMaxWriteCapacityUnits": 40000}


def test_describe_endpoints(ddb: Any) -> None:
    assert ddb.describe_endpoints()["Endpoints"] == [
        {"Address": "dynamodb.us-east-1.amazonaws.com", "CachePeriodInMinutes": 1440}]


def test_describe_endpoints_names_the_callers_region(other_region: Any) -> None:
    assert other_region.describe_endpoints()["Endpoints"][0]["Address"] == (
        "dynamodb.eu-west-1.amazonaws.com")
