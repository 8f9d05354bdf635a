"""One client connection of the HTTP server: httptools parses its requests on the event loop,
they are served in order (pipelining, with read and write back-pressure), and each answer is
written once the writes it reports are durable. Enforces the `Limits` on what the client sends
(sizes, timeouts) and ends a refused connection with a lingering close."""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import AsyncIterator, Awaitable
from typing import Protocol, cast
from urllib.parse import unquote

import httptools

from headwater.http.limits import LINGER, MAX_PIPELINED, Limits
from headwater.http.messages import (
    CONTINUE,
    INTERNAL_ERROR,
    Handler,
    Head,
    RelayedResponse,
    Request,
    Response,
    Settle,
    StreamingResponse,
    TooLarge,
    default_too_large,
    encode,
    encode_kept,
)

log = logging.getLogger("headwater.http")


class Listener(Protocol):
    """What a connection uses of its server (http/server.py's HttpServer): the application's
    hooks, the limits, and the bookkeeping of open connections."""

    handler: Handler
    settle: Settle
    limits: Limits
    head: Head | None
    too_large: TooLarge
    connections: set[HttpProtocol]
    admitted: int  # connections within the cap (the others are being refused)
    refusing: bool  # a refusal was logged since the last sweep
    closing: bool
    loop: asyncio.AbstractEventLoop

# Where a connection is in its current request (for the timeouts).
IDLE, HEAD, BODY = 0, 1, 2


class HttpProtocol(asyncio.Protocol):
    def __init__(self, server: Listener) -> None:
        self.server = server
        self.limits = server.limits
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.address: tuple[str, int] = ("127.0.0.1", 0)
        self.peer: tuple[str, int] | None = None
        self.last_activity = self._now = time.monotonic()
        self.queue: collections.deque[tuple[Request, bool]] = collections.deque()
        self.busy = False  # a request is being served (its answer is not written yet)
        self.reading = True
        self.writing_paused = False
        self.admitted = False  # counted against the connection cap
        self._serving = False  # inside _next's loop
        self._last = False  # read no more requests: answer the queued ones, then close
        self._tasks: set[asyncio.Task[None]] = set()
        self._stream: asyncio.Task[None] | None = None  # writing a StreamingResponse
        # Relaying another server's answer: the task writing it, and the answer.
        self._relaying: tuple[asyncio.Task[None], RelayedResponse] | None = None
        # The request being read: where it is (a new connection waits for its first head),
        # since when (for the timeouts), its head so far and its body.
        self._phase = HEAD
        self._started = self._now
        self._chunk = 0  # bytes of the data being parsed
        self._head_start = 0  # bytes of the data the head being read began in
        self._head_fed = 0  # bytes received since the data the head began in
        self._repeats = 0  # what headers repeated take more than their joined value
        self._url = b""
        self._headers: dict[str, str] = {}
        self._request: Request | None = None
        self._limit = self.limits.max_body
        self._body: list[bytes] = []
        self._size = 0
        self._refused = False  # the current request was answered before its body (drop it)
        self._failure: bytes | None = None  # the answer that ends this connection
        self._linger = False  # after the failure: read and drop what the client still sends
        self._closing_at = 0.0  # while lingering: when to close regardless

    @property
    def streaming(self) -> bool:
        relaying = self._relaying
        return self._stream is not None or (relaying is not None and relaying[1].streaming())

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
        server = self.server
        server.connections.add(self)
        if server.admitted >= self.limits.max_connections:
            if not server.refusing:  # once per sweep, not once per connection
                server.refusing = True
                log.warning("refusing connections: %d open (the limit)", server.admitted)
            self._fail(503, b"text/plain", b"Too many open connections; try again later",
                       linger=True)
            return
        server.admitted += 1
        self.admitted = True

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_stream()
        if self._relaying is not None:
            self._relaying[0].cancel()
        self._forget()
        self.queue.clear()
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.last_activity = self._now = time.monotonic()
        if self._failure is not None:
            return  # nothing more is served: drop it (a lingering close, or an answer owed)
        size = self._chunk = len(data)
        self._head_fed += size  # a head that begins in `data` starts it afresh
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # The upgrade request itself is queued and answered; no protocol switch follows.
            self._last = True
            self._update_reading()
        except httptools.HttpParserError:
            self._fail(400, b"text/plain", b"Malformed HTTP request", linger=True)
        if (self._phase == HEAD and self._failure is None
                and self._head_fed > self.limits.max_head):
            # httptools holds a header in parts until it ends: bound those bytes too (give or
            # take the chunk the head began in).
            self._head_too_large()

    def eof_received(self) -> bool | None:
        """The client finished sending (half-close): still answer what it asked. A stream has
        no end to wait for: a client that stops sending is gone."""
        if self.streaming:
            self.close()
            return False
        if self.quiet and (self._failure is None or self._linger_started):
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
        if self._phase == IDLE:
            self._started = self._now
        self._phase = HEAD
        self._head_start = self._chunk
        self._head_fed = 0
        self._repeats = 0
        self._url = b""
        self._headers = {}
        self._size = 0
        self._refused = False
        # _request and _body are None and [] again: on_message_complete, or a refusal (after
        # which the connection only ends), left them so.

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        key = _NAMES.get(name)
        if key is None:
            key = _name(name)
        headers = self._headers
        if key in headers:
            headers[key] = f"{headers[key]},{value.decode('latin-1')}"
            # Sent apart, the repeat had its own name, ": " and CRLF; joined, only a comma.
            self._repeats += len(name) + 3
        else:
            headers[key] = value.decode("latin-1")

    def _head_size(self) -> int:
        """Bytes of the URL and of each header line as sent (name, ": ", value, CRLF)."""
        return len(self._url) + self._repeats + sum(
            len(name) + len(value) + 4 for name, value in self._headers.items())

    def on_headers_complete(self) -> None:
        if self._failure is not None:
            return
        max_head = self.limits.max_head
        # The head is within the data it began in and the data since: its exact size is
        # counted only when those are over the limit.
        if self._head_start + self._head_fed > max_head and self._head_size() > max_head:
            self._head_too_large()
            return
        self._phase = BODY
        self._started = self._now
        url = self._url
        split = _URLS.get(url)
        if split is None:
            split = _split_url(url)
        path, query = split
        method = self.parser.get_method().decode("latin-1")
        request = self._request = Request(method, path, query, self._headers, b"", self.address,
                                          self.peer, url, self.parser.get_http_version())
        self._limit = self.limits.max_body
        if self.server.head is not None:
            try:
                sized = self.server.head(request)
            except Exception:
                log.exception("unhandled error sizing %s %s", method, path)
                sized = INTERNAL_ERROR
            if isinstance(sized, tuple):
                self._refuse(sized)
                return
            self._limit = sized
        headers = self._headers
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self._limit:
            self._reject_too_large()  # now, not after a body the client may wait to send
        elif ("expect" in headers and headers["expect"].lower() == "100-continue"
              and self.transport and self.quiet):
            # Only when no earlier answer is owed; otherwise the client sends the body anyway
            # after its short wait.
            self.transport.write(CONTINUE)

    def on_body(self, body: bytes) -> None:
        if self._refused or self._failure is not None:
            return
        self._size += len(body)
        if self._size > self._limit:
            self._body = []
            self._reject_too_large()
        else:
            self._body.append(body)

    def on_message_complete(self) -> None:
        self._phase = IDLE
        request = self._request
        if self._refused or self._failure is not None or request is None:
            return
        request.body = self._body[0] if len(self._body) == 1 else b"".join(self._body)
        self._body = []
        self._request = None
        self.queue.append((request, self.parser.should_keep_alive()))
        if self.busy:
            self._update_reading()
        else:
            self._next()

    # timeouts

    def check_time(self, now: float) -> None:
        """Close what has outstayed its limits (called by the server's periodic sweep)."""
        limits = self.limits
        if self._failure is not None:
            if self._linger_started and now > self._closing_at:
                self.close()
        elif not self.reading:
            return  # paused by the server (back-pressure): the client is not to blame
        elif self._phase == HEAD and now - self._started > limits.head_timeout:
            self._timed_out()
        elif self._phase == BODY and (
                now - self._started > limits.body_timeout + self._size / limits.min_rate):
            self._timed_out()
        elif self._phase == IDLE and self.quiet and now - self.last_activity > limits.idle_timeout:
            self.close()

    def _timed_out(self) -> None:
        # A slow or stalled client: say so and close at once (no lingering for it).
        self._fail(408, b"text/plain", b"Request timed out", linger=False)

    # requests

    def _update_reading(self) -> None:
        """Read while requests can be taken: no end, answers flowing, a short queue. After a
        failure, read only to drop what still comes while the connection lingers."""
        if self.transport is None:
            return
        wanted = (not self._last and not self.writing_paused
                  and (self._failure is not None or len(self.queue) < MAX_PIPELINED))
        if wanted != self.reading:
            self.reading = wanted
            if wanted:
                # The timeouts count from now: the wait was the server's, not the client's.
                self.last_activity = self._started = time.monotonic()
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
                    if self._failure is not None or self._last:
                        self._drained()  # (which has nothing to do otherwise)
                    return
                request, keep_alive = self.queue.popleft()
                if not self.reading or self._last:
                    # Reading stays on while it is (a shorter queue cannot turn it off; every
                    # other change calls _update_reading itself, but a half-close).
                    self._update_reading()
                self.busy = True
                self._dispatch(request, keep_alive)
        finally:
            self._serving = False

    @property
    def _linger_started(self) -> bool:
        return self._closing_at > 0

    def _drained(self) -> None:
        transport = self.transport
        assert transport is not None
        if self._failure is not None:
            if self._linger_started:
                return
            transport.write(self._failure)
            if self._linger and not self._last and transport.can_write_eof():
                # Read (and drop) the rest of what the client sends, until it closes.
                transport.write_eof()
                # A connection over the cap lingers briefly: its descriptor is what is short.
                self._closing_at = time.monotonic() + (LINGER if self.admitted else 1.0)
            else:
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
        elif isinstance(result, RelayedResponse):
            task = self.server.loop.create_task(self._relay(request, keep_alive, result))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        elif isinstance(result, StreamingResponse):
            # The connection ends with this response; reading goes on, to see the client leave.
            self._stream = self.server.loop.create_task(self._write_stream(request, result))
        else:
            task = self.server.loop.create_task(self._await(request, keep_alive, result))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _await(self, request: Request, keep_alive: bool,
                     pending: Awaitable[Response | RelayedResponse]) -> None:
        try:
            response = await pending
        except Exception:
            log.exception("unhandled error serving %s %s", request.method, request.path)
            response = INTERNAL_ERROR
        if isinstance(response, RelayedResponse):
            await self._relay(request, keep_alive, response)
        else:
            self._answer_when_settled(request, keep_alive, response)

    async def _relay(self, request: Request, keep_alive: bool, relayed: RelayedResponse
                     ) -> None:
        """Write another server's answer as its bytes come, then go on with the next request
        when both sides keep the connection, else close it."""
        task = asyncio.current_task()
        if task is not None:
            self._relaying = (task, relayed)
        try:
            reusable = (await self._write_chunks(request, relayed.chunks, "relay")
                        and relayed.reusable())
        finally:
            self._relaying = None
        if self.transport is None:
            return
        self.busy = False
        self.last_activity = time.monotonic()
        if not (reusable and keep_alive) or self.server.closing:
            self.close()
        elif self.queue or self._failure is not None or self._last:
            self._next()

    async def _write_stream(self, request: Request, response: StreamingResponse) -> None:
        try:
            await self._write_chunks(request, response.chunks, "stream",
                                     (response.status, response.headers, b""),
                                     body=request.method != "HEAD")
        finally:
            self._stream = None
            self.busy = False
            self.close()

    async def _write_chunks(self, request: Request, chunks: AsyncIterator[bytes], what: str,
                            head: Response | None = None, body: bool = True) -> bool:
        """Write `head` (a response's head, no length: the connection ends with it), then
        `chunks` as they come (none unless `body`); whether all of it was written (not when
        the connection went, the writer was cancelled or a chunk failed). `chunks` is closed
        in any case."""
        try:
            if self.transport is None:
                return False
            if head is not None:
                self.transport.write(encode(head, keep_alive=False, length=False))
            if body:
                async for chunk in chunks:
                    if self.transport is None:
                        return False
                    self.transport.write(chunk)
            return True
        except asyncio.CancelledError:
            return False
        except Exception:
            log.exception("unhandled error in the %s of %s %s", what, request.method,
                          request.path)
            return False
        finally:
            aclose = getattr(chunks, "aclose", None)
            if aclose is not None:
                try:
                    await aclose()
                except Exception:
                    log.exception("closing the %s of %s %s", what, request.method,
                                  request.path)

    def _stop_stream(self) -> None:
        if self._stream is not None:
            self._stream.cancel()

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
        keep_alive = keep_alive and not self.server.closing
        if keep_alive and request.method != "HEAD" and "connection" not in request.headers:
            transport.write(encode_kept(response))  # the usual answer, encoded the short way
        else:
            head = request.method == "HEAD"
            transport.write(encode(response, keep_alive=keep_alive,
                                   client_keep_alive=request.headers.get("connection", "").lower()
                                   == "keep-alive", head=head,
                                   # A HEAD answer may state the length of what a GET would
                                   # send (S3's HeadObject): then that one is kept.
                                   length=not (head and _has_length(response))))
        if not keep_alive:
            self.close()
        elif self.queue or self._failure is not None or self._last:
            self._next()
        # else _next would find nothing to do: no request queued, no failure or end owed

    def _head_too_large(self) -> None:
        self._fail(431, b"text/plain", b"Request header fields too large", linger=True)

    def _reject_too_large(self) -> None:
        request = self._request
        assert request is not None
        try:
            answer = self.server.too_large(request, self._limit)
        except Exception:
            log.exception("unhandled error refusing %s %s", request.method, request.path)
            answer = default_too_large(request, self._limit)
        if isinstance(answer, tuple):
            self._refuse(answer)
            return
        # Known later: drop the body meanwhile; the answer ends the connection.
        self._refused = True
        self._body = []
        task = self.server.loop.create_task(self._refuse_later(request, answer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _refuse_later(self, request: Request, pending: Awaitable[Response]) -> None:
        try:
            answer = await pending
        except Exception:
            log.exception("unhandled error refusing %s %s", request.method, request.path)
            answer = default_too_large(request, self._limit)
        self._end(encode(answer, keep_alive=False), linger=True)

    def _refuse(self, response: Response) -> None:
        """Answer the request being read before its body, then end the connection (lingering:
        the client may still be sending the body)."""
        self._refused = True
        self._body = []
        self._end(encode(response, keep_alive=False), linger=True)

    def _fail(self, status: int, content_type: bytes, body: bytes, *, linger: bool) -> None:
        """End the connection with this answer to a request that cannot be parsed or accepted."""
        self._end(encode((status, [(b"content-type", content_type)], body), keep_alive=False),
                  linger=linger)

    def _end(self, answer: bytes, *, linger: bool) -> None:
        """Send `answer` once the requests before it are answered, then close; read nothing
        more meanwhile but what is dropped. `linger`: read and drop what the client still
        sends before closing, so that it sees the answer rather than a reset."""
        if self._failure is not None or self.transport is None:
            return
        self._failure = answer
        self._linger = linger
        self._update_reading()
        if not self.busy:
            self._next()

    def _forget(self) -> None:
        server = self.server
        server.connections.discard(self)
        if self.admitted:
            self.admitted = False
            server.admitted -= 1

    def close(self) -> None:
        self._stop_stream()
        if self._relaying is not None:
            self._relaying[0].cancel()
        if self.transport is not None:
            self.transport.close()
            self.transport = None
        self._forget()


# Header names as sent -> lower-cased (clients send the same few names in every request), and
# URLs -> (path unquoted, query): bounded, cleared when full.
_NAMES: dict[bytes, str] = {}
_URLS: dict[bytes, tuple[str, str]] = {}
CACHED = 512
CACHED_NAME = 64  # longer names and URLs are not kept
CACHED_URL = 256


def _name(name: bytes) -> str:
    key = name.decode("latin-1").lower()
    if len(name) <= CACHED_NAME:
        if len(_NAMES) >= CACHED:
            _NAMES.clear()
        _NAMES[name] = key
    return key


def _split_url(url: bytes) -> tuple[str, str]:
    path, _, query = url.decode("latin-1").partition("?")
    if "%" in path:
        path = unquote(path)
    split = (path, query)
    if len(url) <= CACHED_URL:
        if len(_URLS) >= CACHED:
            _URLS.clear()
        _URLS[url] = split
    return split


def _has_length(response: Response) -> bool:
    return any(name.lower() == b"content-length" for name, _ in response[1])
