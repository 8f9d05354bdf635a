"""The ASGI application: routes each request to its protocol handler, serves the local control
endpoints under /_headwater/, and owns background work through the lifespan."""

from __future__ import annotations

import logging
from typing import Any

import orjson

from headwater import __version__
from headwater.background import BackgroundWork
from headwater.cloudwatch import exposition
from headwater.cloudwatch.service import OPERATIONS as CLOUDWATCH
from headwater.core.context import RequestContext
from headwater.core.ids import request_id
from headwater.functions import http as lambda_http
from headwater.queues.query_model import sqs_query_model
from headwater.queues.service import OPERATIONS as SQS
from headwater.runtime import Runtime
from headwater.services import json_services
from headwater.topics.service import OPERATIONS as TOPICS
from headwater.triggers.service import register as register_mappings
from headwater.wire.json_protocol import JsonService
from headwater.wire.query_protocol import QueryRouter, QueryService, is_query_request
from headwater.wire.rpc_v2_cbor import RpcV2CborService
from headwater.wire.sigv4 import caller

log = logging.getLogger("headwater.server")

Scope = dict[str, Any]
INTERNAL_ERROR = b'{"__type":"InternalServerError","message":"Internal error"}'
# The largest body any API accepts: a 50 MB Lambda zip, base64-encoded in JSON.
MAX_BODY = 72 * 1024 * 1024


class HeadwaterApp:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.json_services: dict[str, JsonService] = json_services()
        self.query = QueryRouter({"sns": QueryService("sns", TOPICS),
                                  "sqs": QueryService("sqs", SQS, sqs_query_model())})
        register_mappings(lambda_http.lambda_service())
        self.cloudwatch = RpcV2CborService("cloudwatch", CLOUDWATCH,
                                           "com.amazonaws.cloudwatch")
        self.background = BackgroundWork(runtime.workers())

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        storage = self.runtime.storage

        async def send_committed(message: dict[str, Any]) -> None:
            # Group commit (core/storage.py): answer only once this request's writes are durable.
            if message["type"] == "http.response.start":
                await storage.settle()
            await send(message)

        try:
            await self._http(scope, receive, send_committed)
        except Exception:
            log.exception("unhandled error serving %s %s", scope.get("method"), scope.get("path"))
            await _respond(send, 500, INTERNAL_ERROR)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.background.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.background.stop()
                self.runtime.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Any, send: Any) -> None:
        headers = _headers(scope)
        body = await _read_body(receive)
        if body is None:
            message = f"Request must be smaller than {MAX_BODY} bytes"
            await _respond(send, 413, orjson.dumps({"__type": "RequestEntityTooLargeException",
                                                    "message": message}))
            return
        method = scope["method"]
        path = scope["path"]
        target = headers.get("x-amz-target")
        if method == "POST" and target:
            await self._json(target, headers, body, send)
        elif is_query_request(method, path, headers, body):
            await _respond(send, *await self.query.handle(self.runtime, headers, path, body),
                           content_type=None)
        elif lambda_http.is_lambda_path(path):
            status, out_headers, out = await lambda_http.handle(self.runtime, scope, headers, body)
            await _respond(send, status, out, out_headers, content_type=None)
        elif method == "POST" and self.cloudwatch.serves(path):
            account, region = caller(headers.get("authorization"))
            ctx = RequestContext(account, region, request_id(), self.runtime)
            status, out_headers, out = await self.cloudwatch.handle(ctx, path, body)
            await _respond(send, status, out, out_headers, content_type=None)
        elif method == "GET" and path == "/metrics":
            await _respond(send, 200, exposition.exposition(self.runtime),
                           content_type=exposition.CONTENT_TYPE)
        elif path.startswith("/_headwater/"):
            await self._control(method, path, body, send)
        elif method == "POST" and path == "/":
            await self._json("", headers, body, send)
        elif method == "GET" and path == "/":
            region = caller(headers.get("authorization"))[1]
            await _respond(send, 200, f"healthy: dynamodb.{region}.amazonaws.com ".encode(),
                           content_type=b"text/plain")
        else:
            await _respond(send, 404, b'{"message":"Not Found"}')

    async def _json(self, target: str, headers: dict[str, str], body: bytes, send: Any) -> None:
        prefix, _, operation = target.partition(".")
        service = self.json_services.get(prefix)
        account, region = caller(headers.get("authorization"))
        ctx = RequestContext(account, region, request_id(), self.runtime, headers.get("host", ""))
        if service is None:
            # AWS's front end parses the body before it looks at the target.
            payload = b'{"__type":"com.amazon.coral.service#UnknownOperationException"}'
            try:
                orjson.loads(body or b"{}")
            except orjson.JSONDecodeError:
                payload = b'{"__type":"com.amazon.coral.service#SerializationException"}'
            await _respond(send, 400, payload, [(b"x-amzn-requestid", ctx.request_id.encode())])
            return
        status, payload = await service.handle(ctx, operation, body)
        await _respond(send, status, payload, service.headers(ctx, payload), content_type=None)

    async def _control(self, method: str, path: str, body: bytes, send: Any) -> None:
        if path == "/_headwater/health":
            await _respond(send, 200, orjson.dumps({"status": "ok", "version": __version__}))
        elif path == "/_headwater/clock":
            await self._clock(method, body, send)
        else:
            await _respond(send, 404, b'{"message":"Not Found"}')

    async def _clock(self, method: str, body: bytes, send: Any) -> None:
        clock = self.runtime.clock
        if method == "POST":
            try:
                advance = float(orjson.loads(body or b"{}").get("advance", 0))
                if advance < 0:
                    raise ValueError
            except (ValueError, TypeError, AttributeError, orjson.JSONDecodeError):
                await _respond(send, 400, b'{"message":"advance must be a number of seconds >= 0"}')
                return
            clock.advance(advance)
        elif method != "GET":
            await _respond(send, 405, b'{"message":"Method Not Allowed"}')
            return
        await _respond(send, 200, orjson.dumps({"now": clock.now(), "offset": clock.offset}))


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}


async def _read_body(receive: Any) -> bytes | None:
    """The whole request body, or None when it exceeds MAX_BODY."""
    chunks = []
    more = True
    size = 0
    while more:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


async def _respond(
    send: Any,
    status: int,
    body: bytes,
    headers: list[tuple[bytes, bytes]] | None = None,
    content_type: bytes | None = b"application/json",
) -> None:
    out = list(headers or [])
    if content_type is not None:
        out.append((b"content-type", content_type))
    out.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": out})
    await send({"type": "http.response.body", "body": body})
