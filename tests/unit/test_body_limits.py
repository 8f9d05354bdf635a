"""Each API's body limit, decided from a request's head (body_limits.py)."""

from __future__ import annotations

import pytest

from headwater.body_limits import body_limit, invoke_operation

MB = 1024 * 1024


@pytest.mark.parametrize(("method", "path", "headers", "limit"), [
    ("POST", "/", {"x-amz-target": "DynamoDB_20120810.PutItem"}, 16 * MB),
    ("POST", "/", {"x-amz-target": "DynamoDBStreams_20120810.GetRecords"}, 16 * MB),
    ("POST", "/", {"x-amz-target": "AmazonSQS.SendMessage"}, 4 * MB),
    ("POST", "/", {"content-type": "application/x-www-form-urlencoded"}, 4 * MB),
    ("POST", "/000000000000/queue", {}, 4 * MB),
    ("POST", "/service/GraniteServiceVersion20100801/operation/PutMetricData", {}, 4 * MB),
    ("POST", "/2015-03-31/functions/f/invocations", {}, 6 * MB),
    ("POST", "/2015-03-31/functions/f/invocations", {"x-amz-invocation-type": "Event"}, MB),
    ("POST", "/2015-03-31/functions", {}, 69905067),
    ("PUT", "/2015-03-31/functions/f/code", {}, 69905067),
    ("POST", "/_headwater/clock", {}, MB),
    ("GET", "/metrics", {}, MB),
])
def test_each_api_has_its_limit(method: str, path: str, headers: dict[str, str],
                                limit: int) -> None:
    assert body_limit(method, path, headers) == limit


def test_invoke_names_its_operation_by_invocation_type() -> None:
    assert invoke_operation({}) == "InvokeFunction"
    assert invoke_operation({"x-amz-invocation-type": "Event"}) == "InvokeAsync"
