"""One `--log-level info` line per request: caller account, service, operation, HTTP status
and duration. What the request is for is read from its head as the router reads it (the
X-Amz-Target, a query Action, Lambda's REST path, CloudWatch's CBOR path), for the log only."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable
from urllib.parse import parse_qsl

from headwater.http.server import Request, Response
from headwater.wire.query_protocol import signing_service
from headwater.wire.sigv4 import caller

log = logging.getLogger("headwater.requests")

SIGNING_SERVICES = {"monitoring": "cloudwatch"}


def describe(request: Request) -> tuple[str, str]:
    """(service, operation) of a request, as well as its head and body tell."""
    headers, path = request.headers, request.path
    target = headers.get("x-amz-target")
    signed = signing_service(headers.get("authorization"))
    service = SIGNING_SERVICES.get(signed, signed)
    if target:
        prefix, _, operation = target.partition(".")
        if prefix.startswith("DynamoDBStreams"):
            service = "dynamodbstreams"
        return service or prefix, operation
    if path.startswith("/_headwater/") or path == "/metrics":
        return "headwater", path
    if "/operation/" in path:  # rpc-v2-cbor: /service/X/operation/Op
        return service or "cloudwatch", path.rsplit("/", 1)[-1]
    if request.method == "POST" and request.body[:200].find(b"Action=") >= 0:
        action = dict(parse_qsl(request.body.decode("utf-8", "replace"))).get("Action", "")
        return service or "query", action
    action = dict(parse_qsl(request.query)).get("Action", "") if request.query else ""
    if action:
        return service or "query", action
    return service or "http", f"{request.method} {path}"


def logged(request: Request, answer: Response | Awaitable[Response], started: float
           ) -> Response | Awaitable[Response]:
    """`answer`, logging it when it is known (at once, or when the awaitable ends)."""
    if isinstance(answer, tuple):
        _line(request, answer[0], started)
        return answer
    return _later(request, answer, started)


async def _later(request: Request, answer: Awaitable[Response], started: float) -> Response:
    response = await answer
    _line(request, response[0], started)
    return response


def _line(request: Request, status: int, started: float) -> None:
    service, operation = describe(request)
    account, _ = caller(request.headers.get("authorization"))
    log.info("request", extra={"fields": {
        "account": account, "service": service, "operation": operation, "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1)}})
