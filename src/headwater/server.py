"""The application behind the HTTP server: sizes each request from its head (body_limits.py) and,
with `--credentials`, refuses an unauthenticated large one before reading its body; checks SigV4
signatures; answers CORS (cors.py); routes each request to its protocol handler (API calls only
at `/`, Lambda's REST paths, SQS queue URLs and rpc-v2-cbor paths); serves the local control
endpoints under /_headwater/; and owns background work."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable

import orjson

from headwater import __version__, cors, request_log, unserved
from headwater.authorization import guarded
from headwater.background import BackgroundWork
from headwater.body_limits import body_limit, invoke_operation, is_invoke, is_s3, target_limit
from headwater.callers import Callers
from headwater.cloudwatch import exposition
from headwater.cloudwatch.errors import AccessDenied as CloudWatchAccessDenied
from headwater.cloudwatch.service import OPERATIONS as CLOUDWATCH
from headwater.console.app import Console, is_console_path
from headwater.core.context import RequestContext, Served
from headwater.core.data_dir_lock import clear
from headwater.core.ids import new_uuid, request_id
from headwater.core.principal import Principal
from headwater.dynamodb.expressions import parser as expression_parsers
from headwater.functions import rest_api as lambda_http
from headwater.functions.errors import RequestTooLargeException
from headwater.http.server import Headers, Request, Response, StreamingResponse
from headwater.replication.controls import ControlError
from headwater.replication.status import replication_status
from headwater.runtime import Runtime
from headwater.s3.addressing import is_s3_request
from headwater.s3.errors import AccessDenied as S3AccessDenied
from headwater.s3.payloads import too_large as s3_too_large
from headwater.s3.protocol import S3Service
from headwater.services import json_services, lambda_service, query_services
from headwater.serving.owner import ServingProcesses
from headwater.wire.errors import AwsError
from headwater.wire.json_protocol import JsonService
from headwater.wire.query_protocol import (
    QueryRouter,
    is_query_request,
    scope_service,
)
from headwater.wire.rest_json import RestJsonService
from headwater.wire.rpc_v2_cbor import RpcV2CborService, encode_text_map
from headwater.wire.sigv4 import (
    DEFAULT_ACCOUNT,
    DEFAULT_REGION,
    AuthError,
    IncompleteSignature,
    credential_scope,
    verify_head,
)

log = logging.getLogger("headwater.server")

JSON = b"application/json"
NOT_FOUND = b'{"message":"Not Found"}'
# What AWS's front end answers a call it cannot route: another method than GET or POST at `/`
# (dynalite's connection tests, recorded against DynamoDB), or a call posted to another path.
UNKNOWN_OPERATION: Response = (404, [(b"content-type", b"text/xml")],
                               b"<UnknownOperationException/>\n")
# Under --credentials, a request whose body may be larger than this (or is chunked) is
# authenticated from its head before its body is read; smaller ones are read first.
HEAD_AUTH_OVER = 64 * 1024
# Served without a signature under --credentials (GET and HEAD): health checks, and Prometheus
# scrapers, which cannot sign. Everything else, /_headwater/clock included, must be signed.
OPEN_PATHS = frozenset({"/", "/_headwater/health", "/metrics"})
# The namespace AWS's shared front end gives the errors it raises itself.
CORAL = "com.amazon.coral.service"


# Signing names (as the credential scope spells them, no spaces) of a served service but S3.
SIGNED_NOT_S3 = unserved.SIGNING_NAMES - {"s3"}

class HeadwaterApp:
    def __init__(self, runtime: Runtime) -> None:
        self._resetting = asyncio.Lock()
        # --serve-processes: the serving processes beside this one (serving/owner.py).
        self.serving: ServingProcesses | None = None
        self._build(runtime)

    def _build(self, runtime: Runtime) -> None:
        """Everything that serves requests from `runtime` (again after a reset, so nothing
        keeps the old runtime's storage, identities or authority)."""
        self.runtime = runtime
        authority = runtime.authority
        self.json_services: dict[str, JsonService] = json_services(authority)
        # X-Amz-Target -> (its service, its operation), for the targets that name one.
        self._targets: dict[str, tuple[JsonService, str]] = {}
        self.query = QueryRouter(query_services(authority))
        self.lambda_api: RestJsonService = lambda_service(authority)
        self.cloudwatch = RpcV2CborService(
            "cloudwatch", CLOUDWATCH, "com.amazonaws.cloudwatch",
            guarded("cloudwatch", authority, CloudWatchAccessDenied))
        self.s3 = S3Service(guarded("s3", authority, S3AccessDenied))
        self.console = Console(runtime, self.json_services["DynamoDB_20120810"])
        self.background = BackgroundWork(runtime.workers())
        self.credentials = runtime.settings.credentials
        self.callers = Callers(runtime.settings, runtime.identities, runtime.clock)

    def start(self) -> None:
        """Begin background work and group commits; call on the running event loop."""
        self.runtime.storage.group_commits(asyncio.get_running_loop())
        self.background.start()
        # Off the event loop: the first request with an expression then finds them built.
        threading.Thread(target=expression_parsers.warm, name="expression-parsers",
                         daemon=True).start()

    async def stop(self) -> None:
        await self.background.stop()
        self.runtime.storage.group_commits(None)
        self.runtime.close()

    def when_settled(self, callback: Callable[[BaseException | None], None]) -> None:
        """The HTTP server's settle hook, on whichever runtime is current (a reset swaps it)."""
        self.runtime.storage.when_settled(callback)

    async def reset(self) -> Response:
        """`POST /_headwater/reset`: stop background work and function workers, delete every
        account's state (the data directory but its lock, or the in-memory database), and start
        afresh. The clock keeps its time: it never moves back."""
        async with self._resetting:
            if self.serving is not None:
                self.serving.retire()  # they read the database about to be deleted
            offset = self.runtime.clock.offset
            self.runtime.queues.release()
            await self.stop()
            settings = self.runtime.settings
            if settings.data_dir is not None:
                clear(settings.data_dir)
            self._build(Runtime(settings))
            if self.runtime.clock.offset < offset:
                self.runtime.clock.advance(offset - self.runtime.clock.offset)
            self.start()
            if self.serving is not None:
                self.serving.start()
        log.warning("reset: every account's state was deleted")
        return _answer(200, b'{"reset":true}')

    def head(self, request: Request) -> int | Response:
        """The most bytes the request's body may have, or the answer to send before reading
        it: AWS checks the size first, then (under --credentials, for a large or chunked body)
        what of the signature the head allows."""
        if self.credentials is None:
            target = request.headers.get("x-amz-target")
            if target is not None:
                return target_limit(target)  # what body_limit answers for it, one call less
            return body_limit(request.method, request.path, request.headers, request.query)
        method, path, headers = request.method, request.path, request.headers
        limit = body_limit(method, path, headers, request.query)
        if path in OPEN_PATHS and method in ("GET", "HEAD") or is_console_path(path):
            return limit
        length = headers.get("content-length")
        if length is None and "transfer-encoding" not in headers:
            return limit  # no body
        if length is not None and (not length.isdigit() or int(length) <= HEAD_AUTH_OVER
                                   or int(length) > limit):
            return limit
        try:
            verify_head(method, path, request.query, headers, self.credentials.lookup,
                        time.time())
        except AuthError as error:
            return self._with_cors(request, self._refuse(request, error, unread=True))
        return limit

    def too_large(self, request: Request, limit: int) -> Response:
        """AWS's answer to a body over `limit`: Lambda's modelled error, else a bare 413."""
        method, path, headers = request.method, request.path, request.headers
        if lambda_http.is_lambda_path(path):
            if is_invoke(method, path):
                operation = invoke_operation(headers)
            else:
                matched = self.lambda_api.match(method, path)
                operation = matched[0].name if matched else "Unknown"
            who = self.callers.claimed(credential_scope(headers.get("authorization")))
            ctx = RequestContext(who.account, who.region, request_id(), self.runtime)
            error = RequestTooLargeException(
                f"Request must be smaller than {limit} bytes for the {operation} operation")
            return self._with_cors(request, self.lambda_api.error_response(ctx, error))
        if is_s3(headers, request.query):
            ctx = RequestContext(DEFAULT_ACCOUNT, DEFAULT_REGION, request_id(), self.runtime)
            length = headers.get("x-amz-decoded-content-length") or headers.get(
                "content-length") or ""
            answer = self.s3.error_response(ctx, s3_too_large(
                int(length) if length.isdigit() else limit + 1))
            return self._with_cors(request, answer)
        return self._with_cors(request, (413, [], b""))

    def handle(self, request: Request) -> Response | Awaitable[Response] | StreamingResponse:
        """The response, at once when the operation is synchronous; the server sends it once
        the request's writes are committed (group commit, core/storage.py). The console
        (same-origin, its own sign-in under --credentials) answers its own paths. At
        `--log-level info` each request is logged with its status and duration."""
        path = request.path
        if path != "/" and is_console_path(path):
            return self.console.handle(request)
        if not request_log.log.isEnabledFor(logging.INFO):
            if "origin" not in request.headers:
                return self._route(request)  # _handle's first step, without the call
            return self._handle(request)
        started = time.perf_counter()  # before the handler runs: a synchronous answer is its work
        return request_log.logged(request, self._handle(request), started)

    def _handle(self, request: Request) -> Response | Awaitable[Response]:
        if "origin" not in request.headers:
            return self._route(request)
        expose = self._expose(request.path)
        if request.method == "OPTIONS":
            return cors.preflight(request, request_id(), expose)
        answer = self._route(request)
        if isinstance(answer, tuple):
            return cors.allow(answer, expose)
        return cors.allow_later(answer, expose)

    def _route(self, request: Request) -> Response | Awaitable[Response]:
        headers = request.headers
        scope = credential_scope(headers.get("authorization"))  # parsed once per header
        callers = self.callers
        if not callers.verifying:
            who = callers.claimed(scope)
            if (len(scope) >= 5 and scope[3] in SIGNED_NOT_S3 and request.method == "POST"
                    and request.path == "/"):
                target = headers.get("x-amz-target")
                if target:  # the usual JSON request: what the general path below decides
                    return self._json(who, target, headers, request.body)
        else:
            try:
                who = self._authenticate(request)
            except AuthError as error:
                return self._refuse(request, error)
        method, path, body = request.method, request.path, request.body
        target = headers.get("x-amz-target")
        service = scope_service(scope)
        if not unserved.is_served(service) and not path.startswith("/_headwater/"):
            return unserved.not_provided(
                service, request_id(), json_protocol=bool(target),
                query_protocol=is_query_request(method, path, headers, body))
        if is_s3_request(service, headers.get("host", ""), request.query,
                         headers.get("authorization", "")):
            return self._s3(who, request)
        if method == "POST" and target:
            if path != "/":
                return UNKNOWN_OPERATION
            return self._json(who, target, headers, body)
        if is_query_request(method, path, headers, body):
            return self._query(who, headers, path, body)
        if lambda_http.is_lambda_path(path):
            return self._lambda(who, request)
        if method == "POST" and self.cloudwatch.serves(path):
            ctx = RequestContext(who.account, who.region, request_id(), self.runtime,
                                 access_key=who.access_key, principal=who)
            return self.cloudwatch.handle(ctx, path, body)
        if method == "GET" and path == "/metrics":
            registries = (self.runtime.cloudwatch.registry, self.runtime.triggers.metrics.registry,
                          self.runtime.replicator.metrics.registry, self.background.registry)
            return _answer(200, exposition.exposition(registries), exposition.CONTENT_TYPE)
        if path.startswith("/_headwater/"):
            return self._control(method, path, body)
        if method == "POST" and path == "/":
            return self._json(who, "", headers, body)
        if method in ("GET", "HEAD") and path == "/":
            return _answer(200, f"healthy: dynamodb.{who.region}.amazonaws.com ".encode(),
                           b"text/plain")
        if path == "/":
            return UNKNOWN_OPERATION  # PUT, DELETE, an OPTIONS that is no preflight, ...
        return _answer(404, NOT_FOUND)

    @staticmethod
    def _expose(path: str) -> bytes:
        return cors.LAMBDA_EXPOSE if lambda_http.is_lambda_path(path) else cors.EXPOSE

    def _with_cors(self, request: Request, response: Response) -> Response:
        if "origin" not in request.headers:
            return response
        return cors.allow(response, self._expose(request.path))

    def _authenticate(self, request: Request) -> Principal:
        """The verified caller of the request (an open path needs no signature and gets the
        default account's root), or the AuthError AWS would answer (callers.py). Handlers
        get the caller from here only, never from the header text."""
        method, path = request.method, request.path
        if path in OPEN_PATHS and method in ("GET", "HEAD") and not is_s3(request.headers,
                                                                        request.query):
            return Principal.root(DEFAULT_ACCOUNT, DEFAULT_REGION)  # S3's ListBuckets is `/`
        return self.callers.principal(method, path, request.query, request.headers,
                                      request.body)

    def _refuse(self, request: Request, error: AuthError, *, unread: bool = False) -> Response:
        """An authentication error as each protocol's front end sends it: JSON services
        (DynamoDB, Streams, Logs) 400 with a coral `__type`; query-protocol services (SNS, SQS)
        and the query-compatible JSON and CBOR ones (SQS, CloudWatch) 403 with the query names
        (InvalidClientTokenId, SignatureDoesNotMatch; IncompleteSignature is 400); Lambda 403.
        `unread`: the body is not read yet (a refusal from the head)."""
        method, path, headers = request.method, request.path, request.headers
        ctx = RequestContext(DEFAULT_ACCOUNT, DEFAULT_REGION, request_id(), self.runtime)
        query_status = 400 if isinstance(error, IncompleteSignature) else 403
        query_error = (b"x-amzn-query-error", f"{error.query_code};Sender".encode())
        target = headers.get("x-amz-target")
        if method == "POST" and target:
            service = self.json_services.get(target.partition(".")[0])
            content_type = (service.content_type if service else "application/x-amz-json-1.0")
            out: Headers = [(b"x-amzn-requestid", ctx.request_id.encode()),
                            (b"content-type", content_type.encode())]
            if service is not None and service.refused is not None:
                service.refused(ctx, error)
            if service is None or not service.query_errors:
                return 400, out, _coral(error.code, error.message)
            return query_status, [*out, query_error], _coral(error.query_code, error.message)
        if is_query_request(method, path, headers, None if unread else request.body):
            payload = self.query.service_for(headers, path, request.body).error_body(ctx, error)
            return query_status, [(b"content-type", b"text/xml"),
                                  (b"x-amzn-requestid", ctx.request_id.encode())], payload
        if is_s3(headers, request.query):
            return self.s3.error_response(ctx, s3_auth_error(error), head=method == "HEAD")
        if lambda_http.is_lambda_path(path):
            _, out_headers, payload = self.lambda_api.error_response(ctx, error)
            return 403, out_headers, payload
        if method == "POST" and self.cloudwatch.serves(path):
            payload = encode_text_map({"__type": f"{CORAL}#{error.query_code}",
                                       "message": error.message})
            return query_status, [(b"smithy-protocol", b"rpc-v2-cbor"),
                                  (b"content-type", b"application/cbor"),
                                  (b"x-amzn-requestid", ctx.request_id.encode()),
                                  query_error], payload
        return 403, [(b"content-type", JSON)], _coral(error.code, error.message)

    async def _query(self, who: Principal, headers: dict[str, str], path: str, body: bytes
                     ) -> Response:
        status, payload, out_headers = await self.query.handle(self.runtime, who, headers, path,
                                                               body)
        return status, out_headers, payload

    async def _lambda(self, who: Principal, request: Request) -> Response:
        """A Lambda request from `who` (the verified caller under --credentials or
        --enforce-iam)."""
        ctx = RequestContext(who.account, who.region, new_uuid(), self.runtime,
                             access_key=who.access_key, principal=who)
        return await self.lambda_api.handle(ctx, request.method, request.path, request.query,
                                            request.headers, request.body)

    def _s3(self, who: Principal, request: Request) -> Response:
        """An S3 request from `who` (rest-xml, s3/protocol.py)."""
        ctx = RequestContext(who.account, who.region, request_id(), self.runtime,
                             request.headers.get("host", ""), who.access_key, who)
        return self.s3.handle(ctx, request.method, request.path, request.query,
                              request.headers, request.body)

    def _json(self, who: Principal, target: str, headers: dict[str, str], body: bytes
              ) -> Response | Awaitable[Response]:
        service: JsonService | None
        found = self._targets.get(target)
        if found is not None:
            service, operation = found
        else:
            prefix, _, operation = target.partition(".")
            service = self.json_services.get(prefix)
            if service is not None and operation in service.operations:
                self._targets[target] = (service, operation)  # real targets only: a few
        ctx = RequestContext(who.account, who.region, request_id(), self.runtime,
                             headers.get("host", ""), who.access_key, who)
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
    async def _json_later(service: JsonService, ctx: RequestContext[Served],
                          answer: Awaitable[tuple[int, bytes]]) -> Response:
        status, payload = await answer
        return status, service.headers(ctx, payload), payload

    def _control(self, method: str, path: str, body: bytes
                 ) -> Response | Awaitable[Response]:
        if path == "/_headwater/reset":
            if method != "POST":
                return _answer(405, b'{"message":"Method Not Allowed"}')
            return self.reset()
        if path == "/_headwater/health":
            health: dict[str, object] = {"status": "ok", "version": __version__}
            if self.serving is not None:
                health["serving_processes"] = self.serving.status()
            return _answer(200, orjson.dumps(health))
        if path == "/_headwater/clock":
            return self._clock(method, body)
        if path == "/_headwater/replication":
            return self._replication(method, body)
        if path == "/_headwater/leases":
            return self._leases(method)
        return _answer(404, NOT_FOUND)

    def _leases(self, method: str) -> Response:
        """The remote streams' leases (serve --stream-endpoint; triggers/remote/), as this
        worker last scanned them."""
        if method != "GET":
            return _answer(405, b'{"message":"Method Not Allowed"}')
        remote = self.runtime.remote
        if remote is None:
            return _answer(404, b'{"message":"no --stream-endpoint: this server has no leases"}')
        return _answer(200, orjson.dumps(remote.coordinator.status()))

    def _replication(self, method: str, body: bytes) -> Response:
        """Pause, resume or delay global tables replication; show each pair's backlog."""
        replicator = self.runtime.replicator
        if method == "POST":
            try:
                replicator.controls.configure(orjson.loads(body or b"{}"))
            except orjson.JSONDecodeError:
                return _answer(400, b'{"message":"the body must be a JSON object"}')
            except ControlError as error:
                return _answer(400, orjson.dumps({"message": str(error)}))
        elif method != "GET":
            return _answer(405, b'{"message":"Method Not Allowed"}')
        return _answer(200, orjson.dumps(replication_status(replicator,
                                                            self.runtime.tombstones)))

    def _clock(self, method: str, body: bytes) -> Response:
        """GET: the clock. POST {"advance": seconds} or {"set": epoch seconds}: move it forward
        (never back, never past year 9999); anything else is refused, never ignored."""
        clock = self.runtime.clock
        if method == "POST":
            try:
                clock.advance(clock_move(body, clock.now()))
            except ValueError as error:
                return _answer(400, orjson.dumps({"message": str(error)}))
        elif method != "GET":
            return _answer(405, b'{"message":"Method Not Allowed"}')
        return _answer(200, orjson.dumps({"now": clock.now(), "offset": clock.offset}))


# 9999-12-31T23:59:59Z: the last second a timestamp in AWS's formats can name.
CLOCK_LIMIT = 253402300799.0


def clock_move(body: bytes, now: float) -> float:
    """The seconds a clock request moves the clock forward; ValueError with the reason."""
    try:
        request = orjson.loads(body or b"{}")
    except orjson.JSONDecodeError:
        raise ValueError("the body must be a JSON object") from None
    if not isinstance(request, dict) or len(request) != 1 or not {"advance", "set"} >= set(request):
        raise ValueError('give one of {"advance": seconds} or {"set": epoch seconds}')
    (name, value), = request.items()
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value \
            or value in (float("inf"), float("-inf")):
        raise ValueError(f"{name} must be a number")
    seconds = float(value) if name == "advance" else float(value) - now
    if seconds < 0:
        raise ValueError(f"the clock never moves back (it is at {now:.3f})")
    if now + seconds > CLOCK_LIMIT:
        raise ValueError("the clock cannot move past 9999-12-31T23:59:59Z")
    return seconds


# S3's names for an unauthenticated request (S3 API reference, "List of error codes").
S3_AUTH_CODES = {"UnrecognizedClientException": "InvalidAccessKeyId",
                 "InvalidSignatureException": "SignatureDoesNotMatch",
                 "MissingAuthenticationTokenException": "AccessDenied",
                 "IncompleteSignatureException": "AuthorizationHeaderMalformed",
                 "ExpiredTokenException": "ExpiredToken"}


_S3_AUTH: dict[str, type[AwsError]] = {
    code: type(code, (AwsError,), {"code": code, "status": 403})
    for code in {*S3_AUTH_CODES.values(), "AccessDenied"}}


def s3_auth_error(error: AuthError) -> AwsError:
    return _S3_AUTH[S3_AUTH_CODES.get(error.code, "AccessDenied")](error.message)


def _coral(code: str, message: str) -> bytes:
    return orjson.dumps({"__type": f"{CORAL}#{code}", "message": message})


def _answer(status: int, body: bytes, content_type: bytes = JSON) -> Response:
    headers: Headers = [(b"content-type", content_type)]
    return status, headers, body
