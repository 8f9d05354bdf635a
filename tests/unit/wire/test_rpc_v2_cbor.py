"""rpc-v2-cbor with botocore as the oracle: botocore serialises a request, the service decodes
it; the service encodes a response or an error, botocore parses it."""

from __future__ import annotations

import asyncio
import datetime
from typing import Any

import botocore.session
from botocore import parsers, serialize

from headwater.core.context import RequestContext
from headwater.wire.errors import AwsError
from headwater.wire.rpc_v2_cbor import RpcV2CborService


class Boom(AwsError):
    code = "InvalidParameterValueException"
    query_code = "InvalidParameterValue"


def _echo(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    assert isinstance(request["StartTime"], float)
    return {"Label": request["MetricName"], "Datapoints": [
        {"Timestamp": request["StartTime"], "Sum": 3.5, "Unit": "Count"}]}


def _fail(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    raise Boom("bad value")


def _roundtrip(operations: dict[str, Any], name: str, params: dict[str, Any]) -> dict[str, Any]:
    model = botocore.session.get_session().get_service_model("cloudwatch")
    op = model.operation_model(name)
    request = serialize.create_serializer("smithy-rpc-v2-cbor").serialize_to_request(params, op)
    service = RpcV2CborService("cloudwatch", operations, "com.amazonaws.cloudwatch")
    assert service.serves(request["url_path"])
    ctx = RequestContext("000000000000", "us-east-1", "rid", None)  # type: ignore[arg-type]
    status, headers, body = asyncio.run(service.handle(ctx, request["url_path"], request["body"]))
    response = {"body": body, "status_code": status,
                "headers": {k.decode(): v.decode() for k, v in headers}}
    return parsers.RpcV2CBORParser().parse(response, op.output_shape)  # type: ignore[no-any-return]


def test_request_and_response_roundtrip() -> None:
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    parsed = _roundtrip({"GetMetricStatistics": _echo}, "GetMetricStatistics", {
        "Namespace": "AWS/Lambda", "MetricName": "Errors", "StartTime": start,
        "EndTime": start + datetime.timedelta(hours=1), "Period": 60, "Statistics": ["Sum"]})
    assert parsed["Label"] == "Errors"
    [point] = parsed["Datapoints"]
    assert point["Timestamp"] == start and point["Sum"] == 3.5


def test_errors_carry_the_query_compatible_code() -> None:
    parsed = _roundtrip({"ListMetrics": _fail}, "ListMetrics", {})
    assert parsed["Error"]["Code"] == "InvalidParameterValue"
    assert parsed["Error"]["Message"] == "bad value"
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == 400
