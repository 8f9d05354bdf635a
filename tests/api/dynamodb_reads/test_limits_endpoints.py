"""DescribeLimits and DescribeEndpoints."""

from __future__ import annotations

from typing import Any


def test_describe_limits(ddb: Any) -> None:
    response = ddb.describe_limits()
    response.pop("ResponseMetadata")
    assert response == {"AccountMaxReadCapacityUnits": 80000, "AccountMaxWriteCapacityUnits": 80000,
                        "TableMaxReadCapacityUnits": 40000, "TableMaxWriteCapacityUnits": 40000}


def test_describe_endpoints_names_this_server(ddb: Any, endpoint: str) -> None:
    # This server's host:port, without a scheme like AWS's "dynamodb.us-east-1.amazonaws.com"
    # (API reference "DescribeEndpoints"): a client that follows it reaches this server.
    assert ddb.describe_endpoints()["Endpoints"] == [
        {"Address": endpoint.removeprefix("http://"), "CachePeriodInMinutes": 1440}]


def test_describe_endpoints_is_the_same_in_every_region(other_region: Any, endpoint: str) -> None:
    assert other_region.describe_endpoints()["Endpoints"][0]["Address"] == (
        endpoint.removeprefix("http://"))
