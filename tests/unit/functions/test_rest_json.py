"""wire/rest_json.py against botocore: requests botocore serialises decode to the operation's
members, and our error responses parse back to the code and message botocore shows."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

import botocore.session
import pytest
from botocore.awsrequest import prepare_request_dict
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from headwater.core.context import RequestContext
from headwater.functions.errors import ResourceNotFoundException, TooManyRequestsException
from headwater.wire.errors import ValidationException
from headwater.wire.rest_json import RestJsonService

MODEL = botocore.session.get_session().get_service_model("lambda")
seen: dict[str, dict[str, Any]] = {}


def record(name: str) -> Any:
    def operation(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
        seen[name] = request
        if name == "Invoke":
            return {"StatusCode": 200, "Payload": b'{"ok":1}', "FunctionError": "Unhandled",
                    "ExecutedVersion": "3"}
        return {}
    return operation


SERVICE = RestJsonService("lambda", {name: record(name) for name in (
    "Invoke", "ListFunctions", "GetAlias", "DeleteAlias", "PutFunctionConcurrency",
    "UntagResource")})
CTX = RequestContext("000000000000", "us-east-1", "rid", None)  # type: ignore[arg-type]


def send(operation: str, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    serializer = create_serializer("rest-json", include_validation=False)
    request = serializer.serialize_to_request(params, MODEL.operation_model(operation))
    prepare_request_dict(request, "http://localhost")
    path, _, query = request["url_path"].partition("?")
    headers = {k.lower(): str(v) for k, v in request["headers"].items()}
    body = request["body"] if isinstance(request["body"], bytes) else request["body"].encode()
    query = query or urlencode(request["query_string"], doseq=True)
    status, out_headers, out = asyncio.run(SERVICE.handle(CTX, request["method"], path, query,
                                                          headers, body))
    return status, {k.decode(): v.decode() for k, v in out_headers}, out


def parse(operation: str, status: int, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    parser = create_parser("rest-json")
    return parser.parse({"status_code": status, "headers": headers, "body": body},
                        MODEL.operation_model(operation).output_shape)


def test_invoke_headers_query_and_payload() -> None:
    status, headers, body = send("Invoke", {
        "FunctionName": "fn", "Qualifier": "live", "InvocationType": "RequestResponse",
        "LogType": "Tail", "Payload": b'{"a":1}'})
    assert seen["Invoke"] == {"FunctionName": "fn", "Qualifier": "live", "LogType": "Tail",
                              "InvocationType": "RequestResponse", "Payload": b'{"a":1}'}
    parsed = parse("Invoke", status, headers, body)
    assert parsed["StatusCode"] == 200
    assert parsed["FunctionError"] == "Unhandled" and parsed["ExecutedVersion"] == "3"


def test_query_integers_and_uri_members() -> None:
    send("ListFunctions", {"MaxItems": 5, "Marker": "m"})
    assert seen["ListFunctions"] == {"MaxItems": 5, "Marker": "m"}
    send("GetAlias", {"FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:f",
                            "Name": "live"})
    assert seen["GetAlias"]["FunctionName"] == "arn:aws:lambda:us-east-1:000000000000:function:f"
    status, _, body = send("DeleteAlias", {"FunctionName": "f", "Name": "live"})
    assert (status, body) == (204, b"")


def test_repeated_query_keys_fill_a_list_member() -> None:
    arn = "arn:aws:lambda:us-east-1:000000000000:function:f"
    status, _, _ = send("UntagResource", {"Resource": arn, "TagKeys": ["a", "b c", "a:b"]})
    assert status == 204
    assert seen["UntagResource"] == {"Resource": arn, "TagKeys": ["a", "b c", "a:b"]}
    send("UntagResource", {"Resource": arn, "TagKeys": ["only"]})
    assert seen["UntagResource"]["TagKeys"] == ["only"]


def test_model_validation_runs() -> None:
    status, headers, body = send("PutFunctionConcurrency", {
        "FunctionName": "f", "ReservedConcurrentExecutions": -1})
    assert status == 400 and headers["x-amzn-errortype"] == "ValidationException"
    assert b"reservedConcurrentExecutions" in body


@pytest.mark.parametrize(("error", "key"), [
    (ResourceNotFoundException("gone"), "Message"),
    (TooManyRequestsException("Rate Exceeded.", Reason="ReservedFunctionConcurrent"), "message"),
    (ValidationException("bad"), "message"),
])
def test_error_rendering(error: Any, key: str) -> None:
    import orjson

    status, headers, body = SERVICE.error_response(CTX, error)
    decoded = orjson.loads(body)
    assert status == error.status
    assert dict(headers)[b"x-amzn-errortype"] == error.code.encode()
    assert decoded[key] == error.message
    assert ("Type" in decoded) == (error.code != "ValidationException")
