"""The HTTP/1.1 server every API (and each Lambda Runtime API) is served on: httptools parses on
the event loop, a synchronous answer is written without a task, an awaited one from its task,
and each response leaves in one write once the request's writes are committed.

It replaced uvicorn's ASGI path, whose per-request message dicts, tasks and separate writes for
a response's head and body cost ~40% of a PutItem (bench/README.md). Keep-alive, pipelining (in
order, with read and write back-pressure), chunked request bodies, `Expect: 100-continue`, answers
after a client's half-close, and a graceful shutdown that lets in-flight requests finish.

Limits (`Limits`), so no client can hold memory or descriptors it should not: a body limit the
application sets per request from its head, enforced on Content-Length before any byte of the
body and while a chunked body arrives (nothing over the limit is buffered); a head-size limit
(431); a deadline for the head and a minimum rate for the body (408, Apache mod_reqtimeout's
model: a slow-loris connection is closed, not kept), an idle keep-alive timeout, and a cap on
open connections (503, then close). An answer that refuses a request before its body is read is
followed by a lingering close: the rest of the body is read and dropped, so the client, still
sending, receives the answer rather than a connection reset (as nginx does).

A handler may also answer with a `StreamingResponse` (the console's server-sent events): its
head goes out at once, then each chunk as its iterator yields it, and the connection closes
when the iterator ends, the client leaves, or the server shuts down.
"""

from __future__ import annotations

import asyncio
import socket
import time

from headwater.http.connection import HttpProtocol
from headwater.http.limits import Limits, default_max_connections
from headwater.http.messages import (
    Handler,
    Head,
    Headers,
    Request,
    Response,
    Settle,
    StreamingResponse,
    TooLarge,
    default_too_large,
)

__all__ = ["Handler", "Head", "Headers", "HttpServer", "Limits", "Request", "Response", "Settle",
           "StreamingResponse", "TooLarge", "default_max_connections"]


class HttpServer:
    """The listening socket's connections, for idle sweeps and a graceful shutdown."""

    def __init__(self, handler: Handler, settle: Settle, limits: Limits | None = None, *,
                 head: Head | None = None, too_large: TooLarge | None = None) -> None:
        self.handler = handler
        self.settle = settle
        self.limits = limits or Limits()
        self.head = head
        self.too_large = too_large or default_too_large
        self.connections: set[HttpProtocol] = set()
        self.admitted = 0  # connections within the cap (the others are being refused)
        self.refusing = False  # a refusal was logged since the last sweep
        self.closing = False
        self.loop = asyncio.get_running_loop()
        self._server: asyncio.Server | None = None
        self._sweeper: asyncio.TimerHandle | None = None

    async def start(self, sock: socket.socket) -> None:
        self._server = await self.loop.create_server(lambda: HttpProtocol(self), sock=sock,
                                                backlog=1024)
        self._sweeper = self.loop.call_later(self.limits.sweep_interval, self._sweep)

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
        now = time.monotonic()
        self.refusing = False
        for connection in list(self.connections):
            connection.check_time(now)
        self._sweeper = self.loop.call_later(self.limits.sweep_interval, self._sweep)

    async def shutdown(self, grace: float) -> None:
        """Stop accepting, close idle connections, let busy ones answer (up to `grace` s)."""
        self.closing = True
        if self._sweeper is not None:
            self._sweeper.cancel()
        if self._server is not None:
            self._server.close()
        for connection in list(self.connections):
            if connection.quiet or connection.streaming:
                connection.close()
        deadline = time.monotonic() + grace
        while self.connections and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        for connection in list(self.connections):
            connection.close()
