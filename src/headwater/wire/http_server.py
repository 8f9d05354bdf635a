"""The HTTP/1.1 server every API (and each Lambda Runtime API) is served on: httptools parses on
the event loop, a synchronous answer is written without a task, an awaited one from its task,
and each response leaves in one write once the request's writes are committed.

It replaced uvicorn's ASGI path, whose per-request message dicts, tasks and separate writes for
a response's head and body cost ~40% of a PutItem (bench/README.md). Keep-alive, pipelining (in
order, with read and write back-pressure), chunked request bodies, `Expect: 100-continue`, a body
limit, answers after a client's half-close, idle and stalled-connection sweeps, and a graceful
shutdown that lets in-flight requests finish.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import cast
from urllib.parse import unquote

import httptools

log = logging.getLogger("headwater.http")

Headers = list[tuple[bytes, bytes]]
Response = tuple[int, Headers, bytes]


@dataclass(slots=True)
class Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    server: tuple[str, int]  # the address the request arrived on
    peer: tuple[str, int] | None = None  # the client's address (the Lambda Runtime API checks it)


# The response, or an awaitable of it when the request must wait (a long poll, an invoke).
Handler = Callable[[Request], Response | Awaitable[Response]]
# Calls back (with None, or the error that lost them) once the writes made so far are durable.
Settle = Callable[[Callable[[BaseException | None], None]], None]
# Told of a request whose body is over the limit (its head, body empty) before the 413 leaves.
TooLarge = Callable[[Request], None]

# Requests a connection may queue (pipelined) before it stops reading from its socket.
MAX_PIPELINED = 16
IDLE_TIMEOUT = 60.0
SWEEP_INTERVAL = 10.0
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
INTERNAL_ERROR: Response = (500, [(b"content-type", b"application/json")],
                            b'{"__type":"InternalServerError","message":"Internal error"}')


def _status_line(status: int) -> bytes:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    return f"HTTP/1.1 {status} {reason}\r\n".encode("latin-1")


STATUS_LINES = {status.value: _status_line(status.value) for status in HTTPStatus}


class HttpServer:
    """The listening socket's connections, for idle sweeps and a graceful shutdown."""

    def __init__(self, handler: Handler, settle: Settle, max_body: int,
                 too_large: TooLarge | None = None) -> None:
        self.handler = handler
        self.settle = settle
        self.max_body = max_body
        self.too_large = too_large
        self.connections: set[HttpProtocol] = set()
        self.closing = False
        self.loop = asyncio.get_running_loop()
        self._server: asyncio.Server | None = None
        self._sweeper: asyncio.TimerHandle | None = None

    async def start(self, sock: socket.socket) -> None:
        self._server = await self.loop.create_server(lambda: HttpProtocol(self), sock=sock,
                                                backlog=1024)
        self._sweeper = self.loop.call_later(SWEEP_INTERVAL, self._sweep)

    async def listen(self, host: str, port: int) -> tuple[str, int]:
        """Start on a new socket bound to (host, port); port 0 picks a free one. Its address."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind((host, port))
        except OSError:
            sock.close()
            raise
        await self.start(sock)
        address = sock.getsockname()
        return str(address[0]), int(address[1])

    def _sweep(self) -> None:
        cutoff = time.monotonic() - IDLE_TIMEOUT
        for connection in list(self.connections):
            if connection.quiet and connection.last_activity < cutoff:
                connection.close()  # idle, or stalled in the middle of a request
        self._sweeper = self.loop.call_later(SWEEP_INTERVAL, self._sweep)

    async def shutdown(self, grace: float) -> None:
        """Stop accepting, close idle connections, let busy ones answer (up to `grace` s)."""
        self.closing = True
        if self._sweeper is not None:
            self._sweeper.cancel()
        if self._server is not None:
            self._server.close()
        for connection in list(self.connections):
            if connection.quiet:
                connection.close()
        deadline = time.monotonic() + grace
        while self.connections and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        for connection in list(self.connections):
            connection.close()


class HttpProtocol(asyncio.Protocol):
    def __init__(self, server: HttpServer) -> None:
        self.server = server
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.address: tuple[str, int] = ("127.0.0.1", 0)
        self.peer: tuple[str, int] | None = None
        self.last_activity = time.monotonic()
        self.queue: collections.deque[tuple[Request, bool]] = collections.deque()
        self.busy = False  # a request is being served (its answer is not written yet)
        self.reading = True
        self.writing_paused = False
        self._serving = False  # inside _next's loop
        self._last = False  # read no more requests: answer the queued ones, then close
        self._tasks: set[asyncio.Task[None]] = set()
        self._url = b""
        self._headers: dict[str, str] = {}
        self._body: list[bytes] = []
        self._size = 0
        self._too_large = False
        self._failure: bytes | None = None  # the answer that ends this connection

    @property
    def quiet(self) -> bool:
        """Nothing asked is left unanswered (a half-received request does not count)."""
        return not self.busy and not self.queue

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        sockname = transport.get_extra_info("sockname")
        if isinstance(sockname, tuple):
            self.address = (str(sockname[0]), int(sockname[1]))
        peername = transport.get_extra_info("peername")
        if isinstance(peername, tuple):
            self.peer = (str(peername[0]), int(peername[1]))
        self.server.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.connections.discard(self)
        self.queue.clear()
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.last_activity = time.monotonic()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # The upgrade request itself is queued and answered; no protocol switch follows.
            self._last = True
            self._update_reading()
        except httptools.HttpParserError:
            self._fail(400, b"text/plain", b"Malformed HTTP request")

    def eof_received(self) -> bool | None:
        """The client finished sending (half-close): still answer what it asked."""
        if self.quiet:
            return False  # nothing owed: let the transport close
        self._last = True
        return True

    def pause_writing(self) -> None:
        # The client is not reading its answers: serve no more until it catches up.
        self.writing_paused = True
        self._update_reading()

    def resume_writing(self) -> None:
        self.writing_paused = False
        self._update_reading()
        self._next()

    # httptools callbacks

    def on_message_begin(self) -> None:
        self._url = b""
        self._headers = {}
        self._body = []
        self._size = 0
        self._too_large = False

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        previous = self._headers.get(key)
        self._headers[key] = text if previous is None else f"{previous},{text}"

    def on_headers_complete(self) -> None:
        length = self._headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.server.max_body:
            self._too_large = True
            self._reject_too_large()  # now, not after a body the client may wait to send
        elif (self._headers.get("expect", "").lower() == "100-continue" and self.transport
              and self.quiet):
            # Only when no earlier answer is owed; otherwise the client sends the body anyway
            # after its short wait.
            self.transport.write(CONTINUE)

    def on_body(self, body: bytes) -> None:
        if self._too_large:
            return
        self._size += len(body)
        if self._size > self.server.max_body:
            self._too_large = True
            self._body = []
            self._reject_too_large()
        else:
            self._body.append(body)

    def on_message_complete(self) -> None:
        if self._too_large or self._failure is not None:
            return
        path, _, query = self._url.decode("latin-1").partition("?")
        if "%" in path:
            path = unquote(path)
        body = self._body[0] if len(self._body) == 1 else b"".join(self._body)
        method = self.parser.get_method().decode("latin-1")
        request = Request(method, path, query, self._headers, body, self.address, self.peer)
        self.queue.append((request, self.parser.should_keep_alive()))
        if self.busy:
            self._update_reading()
        else:
            self._next()

    # requests

    def _update_reading(self) -> None:
        """Read while requests can be taken: no failure or end, answers flowing, a short queue."""
        if self.transport is None:
            return
        wanted = (self._failure is None and not self._last and not self.writing_paused
                  and len(self.queue) < MAX_PIPELINED)
        if wanted != self.reading:
            self.reading = wanted
            if wanted:
                self.transport.resume_reading()
            else:
                self.transport.pause_reading()

    def _next(self) -> None:
        """Serve the queued requests in order. Answers that are ready at once are written in
        this loop, not by recursion, so a long pipeline cannot exhaust the stack; an answer
        that comes later (a task, a commit) calls back in here."""
        if self._serving:
            return
        self._serving = True
        try:
            while self.transport is not None and not self.busy and not self.writing_paused:
                if not self.queue:
                    self._drained()
                    return
                request, keep_alive = self.queue.popleft()
                self._update_reading()
                self.busy = True
                self._dispatch(request, keep_alive)
        finally:
            self._serving = False

    def _drained(self) -> None:
        assert self.transport is not None
        if self._failure is not None:
            self.transport.write(self._failure)
            self.close()
        elif self._last:
            self.close()

    def _dispatch(self, request: Request, keep_alive: bool) -> None:
        try:
            result = self.server.handler(request)
        except Exception:
            log.exception("unhandled error serving %s %s", request.method, request.path)
            result = INTERNAL_ERROR
        if isinstance(result, tuple):
            self._answer_when_settled(request, keep_alive, result)
        else:
            task = self.server.loop.create_task(self._await(request, keep_alive, result))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _await(self, request: Request, keep_alive: bool,
                     pending: Awaitable[Response]) -> None:
        try:
            response = await pending
        except Exception:
            log.exception("unhandled error serving %s %s", request.method, request.path)
            response = INTERNAL_ERROR
        self._answer_when_settled(request, keep_alive, response)

    def _answer_when_settled(self, request: Request, keep_alive: bool, response: Response
                             ) -> None:
        """Nothing is acknowledged before it is durable: answer once the commit is done."""
        def answer(error: BaseException | None) -> None:
            self._send(request, keep_alive, INTERNAL_ERROR if error is not None else response)
        self.server.settle(answer)

    def _send(self, request: Request, keep_alive: bool, response: Response) -> None:
        transport = self.transport
        if transport is None:
            return
        self.busy = False
        self.last_activity = time.monotonic()
        status, headers, body = response
        keep_alive = keep_alive and not self.server.closing
        head = [STATUS_LINES.get(status) or _status_line(status)]
        head.extend(b"%s: %s\r\n" % header for header in headers)
        head.append(b"content-length: %d\r\n" % len(body))
        if not keep_alive:
            head.append(b"connection: close\r\n")
        elif request.headers.get("connection", "").lower() == "keep-alive":
            head.append(b"connection: keep-alive\r\n")  # HTTP/1.0 clients ask for it
        head.append(b"\r\n")
        if request.method != "HEAD":
            head.append(body)
        transport.write(b"".join(head))
        if keep_alive:
            self._next()
        else:
            self.close()

    def _reject_too_large(self) -> None:
        if self.server.too_large is not None:
            path, _, query = self._url.decode("latin-1").partition("?")
            method = self.parser.get_method().decode("latin-1")
            try:
                self.server.too_large(Request(method, unquote(path), query, self._headers, b"",
                                              self.address, self.peer))
            except Exception:
                log.exception("too-large hook failed for %s %s", method, path)
        message = f"Request must be smaller than {self.server.max_body} bytes"
        self._fail(413, b"application/json", b'{"__type":"RequestEntityTooLargeException",'
                   b'"message":"%s"}' % message.encode())

    def _fail(self, status: int, content_type: bytes, body: bytes) -> None:
        """End the connection with this answer to a request that cannot be parsed or accepted,
        once the requests before it are answered; read nothing more meanwhile."""
        if self._failure is not None or self.transport is None:
            return
        head = b"content-type: %s\r\ncontent-length: %d\r\nconnection: close\r\n\r\n"
        self._failure = (STATUS_LINES.get(status, _status_line(status))
                         + head % (content_type, len(body)) + body)
        self._update_reading()
        if not self.busy:
            self._next()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
            self.transport = None
        self.server.connections.discard(self)
