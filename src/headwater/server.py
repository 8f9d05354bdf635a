"""The application behind the HTTP server: routes each request to its protocol handler, serves
the local control endpoints under /_headwater/, and owns background work."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

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
from headwater.wire.http_server import Headers, Request, Response
from headwater.wire.json_protocol import JsonService
from headwater.wire.query_protocol import QueryRouter, QueryService, is_query_request
from headwater.wire.rpc_v2_cbor import RpcV2CborService
from headwater.wire.sigv4 import caller

log = logging.getLogger("headwater.server")

# The largest body any API accepts: a 50 MB Lambda zip, base64-encoded in JSON.
MAX_BODY = 72 * 1024 * 1024
JSON = b"application/json"
NOT_FOUND = b'{"message":"Not Found"}'


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

    def start(self) -> None:
        """Begin background work and group commits; call on the running event loop."""
        self.runtime.storage.group_commits(asyncio.get_running_loop())
        self.background.start()

    async def stop(self) -> None:
        await self.background.stop()
        self.runtime.storage.group_commits(None)
        self.runtime.close()

    def handle(self, request: Request) -> Response | Awaitable[Response]:
        """The response, at once when the operation is synchronous; the server sends it once
        the request's writes are committed (group commit, core/storage.py)."""
        method, path, headers, body = request.method, request.path, request.headers, request.body
        target = headers.get("x-amz-target")
        if method == "POST" and target:
            return self._json(target, headers, body)
        if is_query_request(method, path, headers, body):
            return self._query(headers, path, body)
        if lambda_http.is_lambda_path(path):
            return lambda_http.handle(self.runtime, request)
        if method == "POST" and self.cloudwatch.serves(path):
            account, region = caller(headers.get("authorization"))
            ctx = RequestContext(account, region, request_id(), self.runtime)
            return self.cloudwatch.handle(ctx, path, body)
        if method == "GET" and path == "/metrics":
            return _answer(200, exposition.exposition(self.runtime), exposition.CONTENT_TYPE)
        if path.startswith("/_headwater/"):
            return self._control(method, path, body)
        if method == "POST" and path == "/":
            return self._json("", headers, body)
        if method in ("GET", "HEAD") and path == "/":
            region = caller(headers.get("authorization"))[1]
            return _answer(200, f"healthy: dynamodb.{region}.amazonaws.com ".encode(),
                           b"text/plain")
        return _answer(404, NOT_FOUND)

    async def _query(self, headers: dict[str, str], path: str, body: bytes) -> Response:
        status, payload, out_headers = await self.query.handle(self.runtime, headers, path, body)
        return status, out_headers, payload

    def _json(self, target: str, headers: dict[str, str], body: bytes
              ) -> Response | Awaitable[Response]:
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
            return 400, [(b"x-amzn-requestid", ctx.request_id.encode()),
                         (b"content-type", JSON)], payload
        answer = service.handle(ctx, operation, body)
        if isinstance(answer, tuple):
            return answer[0], service.headers(ctx, answer[1]), answer[1]
        return self._json_later(service, ctx, answer)

    @staticmethod
    async def _json_later(service: JsonService, ctx: RequestContext,
                          answer: Awaitable[tuple[int, bytes]]) -> Response:
        status, payload = await answer
        return status, service.headers(ctx, payload), payload

    def _control(self, method: str, path: str, body: bytes) -> Response:
        if path == "/_headwater/health":
            return _answer(200, orjson.dumps({"status": "ok", "version": __version__}))
        if path == "/_headwater/clock":
            return self._clock(method, body)
        return _answer(404, NOT_FOUND)

    def _clock(self, method: str, body: bytes) -> Response:
        clock = self.runtime.clock
        if method == "POST":
            try:
                advance = float(orjson.loads(body or b"{}").get("advance", 0))
                if advance < 0:
                    raise ValueError
            except (ValueError, TypeError, AttributeError, orjson.JSONDecodeError):
                return _answer(400, b'{"message":"advance must be a number of seconds >= 0"}')
            clock.advance(advance)
        elif method != "GET":
            return _answer(405, b'{"message":"Method Not Allowed"}')
        return _answer(200, orjson.dumps({"now": clock.now(), "offset": clock.offset}))


def _answer(status: int, body: bytes, content_type: bytes = JSON) -> Response:
    headers: Headers = [(b"content-type", content_type)]
    return status, headers, body
