"""Routes /_headwater/console: the page and its static files, sign-in (under --credentials),
the JSON read endpoints (views.py), DynamoDB item calls run in-process through the same
JsonService the API uses (so a PutItem from the console writes stream records and fires
triggers like any other), clock moves, and the event feed (feed.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any
from urllib.parse import parse_qs

import orjson

from headwater.console import views
from headwater.console.feed import feed
from headwater.console.sessions import Sessions, clear_cookie, set_cookie
from headwater.core.context import RequestContext
from headwater.core.ids import request_id
from headwater.http.server import Headers, Request, Response, StreamingResponse
from headwater.runtime import Runtime
from headwater.wire.json_protocol import JsonService
from headwater.wire.sigv4 import DEFAULT_ACCOUNT, DEFAULT_REGION

PREFIX = "/_headwater/console"
JSON = b"application/json"
STATIC_TYPES = {"html": b"text/html; charset=utf-8", "js": b"text/javascript; charset=utf-8",
                "css": b"text/css; charset=utf-8", "svg": b"image/svg+xml",
                "txt": b"text/plain; charset=utf-8"}
# The DynamoDB operations the tables page calls.
DYNAMODB_OPERATIONS = frozenset({"ListTables", "DescribeTable", "Scan", "Query", "GetItem",
                                 "PutItem", "DeleteItem"})
# Same-origin only; the page loads nothing from elsewhere.
SECURITY_HEADERS: Headers = [
    (b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; "
                                 b"style-src 'self'; frame-ancestors 'none'")]

View = Callable[[Runtime, str, str], Any]
VIEWS: dict[str, View] = {"streams": views.streams, "mappings": views.mappings,
                          "functions": views.functions, "queues": views.queues,
                          "topics": views.topics}


def is_console_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


class Console:
    def __init__(self, runtime: Runtime, dynamodb: JsonService) -> None:
        self.runtime = runtime
        self.dynamodb = dynamodb
        self.sessions = Sessions(runtime.settings.credentials)

    def handle(self, request: Request) -> Response | Awaitable[Response] | StreamingResponse:
        method, path = request.method, request.path[len(PREFIX):]
        if path in ("", "/", "/index.html") and method in ("GET", "HEAD"):
            return _static("index.html")
        if path.startswith("/static/") and method in ("GET", "HEAD"):
            return _static(path[len("/static/"):])
        if path == "/api/session":
            return self._session(request)
        if path == "/api/login" and method == "POST":
            return self._login(request)
        if path == "/api/logout" and method == "POST":
            self.sessions.logout(request.headers.get("cookie"))
            return _json(200, {"signedIn": False}, [(b"set-cookie", clear_cookie())])
        account = self._account(request)
        if account is None:
            return _json(401, {"message": "Sign in to the console with a listed access key"})
        return self._api(request, method, path, account)

    def _account(self, request: Request) -> str | None:
        if not self.sessions.required:
            return DEFAULT_ACCOUNT
        return self.sessions.account(request.headers.get("cookie"))

    def _session(self, request: Request) -> Response:
        account = self._account(request)
        return _json(200, {"required": self.sessions.required, "signedIn": account is not None,
                           "account": account, "region": DEFAULT_REGION})

    def _login(self, request: Request) -> Response:
        try:
            body = orjson.loads(request.body or b"{}")
            key, secret = str(body["accessKeyId"]), str(body["secretAccessKey"])
        except (orjson.JSONDecodeError, KeyError, TypeError):
            return _json(400, {"message": "accessKeyId and secretAccessKey are required"})
        signed = self.sessions.login(key, secret)
        if signed is None:
            return _json(403, {"message": "Unknown access key or wrong secret"})
        token, account = signed
        return _json(200, {"signedIn": True, "account": account},
                     [(b"set-cookie", set_cookie(token))])

    def _api(self, request: Request, method: str, path: str, account: str
             ) -> Response | Awaitable[Response] | StreamingResponse:
        runtime, region = self.runtime, DEFAULT_REGION
        query = {k: v[0] for k, v in parse_qs(request.query).items()}
        if path == "/events" and method == "GET":
            return StreamingResponse(200, [(b"content-type", b"text/event-stream"),
                                           (b"cache-control", b"no-store"),
                                           (b"x-accel-buffering", b"no")],
                                     feed(runtime.events, account))
        if path == "/api/clock":
            return self._clock(request)
        if method != "GET":
            if path.startswith("/api/dynamodb/") and method == "POST":
                return self._dynamodb(account, path[len("/api/dynamodb/"):], request.body)
            return _json(405, {"message": "Method Not Allowed"})
        name = path.removeprefix("/api/")
        if name in VIEWS:
            return _json(200, VIEWS[name](runtime, account, region))
        if name == "shard":
            return _json(200, views.shard_records(runtime, account, region,
                                                  query.get("arn", ""), query.get("shard", "")))
        if name == "queue":
            return _json(200, views.queue_messages(runtime, account, region,
                                                   query.get("name", "")))
        if name == "recent":
            return _json(200, [e for e in runtime.events.recent
                               if e.get("account", account) == account])
        return _json(404, {"message": "Not Found"})

    def _clock(self, request: Request) -> Response:
        clock = self.runtime.clock
        if request.method == "POST":
            try:
                advance = float(orjson.loads(request.body or b"{}").get("advance", 0))
                if not 0 <= advance < float("inf"):
                    raise ValueError
            except (ValueError, TypeError, AttributeError, orjson.JSONDecodeError):
                return _json(400, {"message": "advance must be a number of seconds >= 0"})
            clock.advance(advance)
            self.runtime.events.publish_live("clock", views.clock(self.runtime))
        elif request.method != "GET":
            return _json(405, {"message": "Method Not Allowed"})
        return _json(200, views.clock(self.runtime))

    def _dynamodb(self, account: str, operation: str, body: bytes
                  ) -> Response | Awaitable[Response]:
        if operation not in DYNAMODB_OPERATIONS:
            return _json(400, {"message": f"The console does not call {operation}"})
        ctx = RequestContext(account, DEFAULT_REGION, request_id(), self.runtime)
        answer = self.dynamodb.handle(ctx, operation, body)
        if isinstance(answer, tuple):
            return answer[0], [(b"content-type", JSON)], answer[1]
        return _later(answer)


async def _later(answer: Awaitable[tuple[int, bytes]]) -> Response:
    status, payload = await answer
    return status, [(b"content-type", JSON)], payload


def _json(status: int, body: Any, extra: Headers | None = None) -> Response:
    return status, [(b"content-type", JSON), *SECURITY_HEADERS[:2], *(extra or [])], \
        orjson.dumps(body)


def _static(name: str) -> Response:
    if "/" in name or name.startswith(".") or not name:
        return 404, [(b"content-type", JSON)], b'{"message":"Not Found"}'
    kind = name.rpartition(".")[2]
    resource = resources.files("headwater.console").joinpath("static", name)
    if kind not in STATIC_TYPES or not resource.is_file():
        return 404, [(b"content-type", JSON)], b'{"message":"Not Found"}'
    return 200, [(b"content-type", STATIC_TYPES[kind]), *SECURITY_HEADERS], resource.read_bytes()
