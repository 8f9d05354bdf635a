"""A serving process hands a request to the owner over the owner's Unix socket, in the same
HTTP/1.1 as on TCP, and relays the answer back as its bytes (http RelayedResponse): status
line, headers and body exactly as the owner wrote them, a streaming answer (the console's
event feed) chunk by chunk until the owner closes it.

The request goes as received: its method, target (percent-encoding kept), HTTP version,
headers (names lower-cased, a repeated header joined with commas, as the owner's parser would
see it anyway) and body. Only the framing changes: the body is whole here, so a chunked body is
sent with its Content-Length, and `Expect: 100-continue` was already answered by this process.

Connections to the owner (asyncio Protocols: an answer that arrives whole costs one wake-up)
are kept and reused one request at a time (the owner never closes an
idle one: its Unix listener has no idle timeout); one the owner ended, or an answer cut short,
is not reused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import cast

from headwater.http.messages import RelayedResponse, encode
from headwater.http.server import Request, Response

# Kept idle connections to the owner at most.
MAX_IDLE = 64
READ = 256 * 1024
# Framing and hop-by-hop headers this process sets itself.
DROPPED = frozenset({"content-length", "transfer-encoding", "expect"})
UNREACHABLE: Response = (502, [(b"content-type", b"application/json")],
                         b'{"message":"the owner process did not answer"}')


@dataclass(slots=True)
class _Answer:
    """What is known of an answer being relayed: whether the connection can be reused."""
    reusable: bool = False
    streaming: bool = False


class _Link(asyncio.Protocol):
    """One connection to the owner: what it received so far, and a wake-up for the relay
    waiting on it (one request at a time)."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.received = bytearray()
        self.closed = False
        self._waiter: asyncio.Future[None] | None = None
        self._paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        self.received += data
        if len(self.received) > 4 * READ and self.transport is not None and not self._paused:
            self._paused = True  # the client reads slower than the owner answers
            self.transport.pause_reading()
        self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def more(self) -> None:
        """Until more arrives or the owner closes the connection."""
        if self.closed:
            raise asyncio.IncompleteReadError(bytes(self.received), None)
        if self._paused and self.transport is not None:
            self._paused = False
            self.transport.resume_reading()
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class Forwarder:
    def __init__(self, path: str) -> None:
        self.path = path
        self._idle: list[_Link] = []
        self.forwarded = 0

    def relay(self, request: Request) -> RelayedResponse:
        answer = _Answer()
        return RelayedResponse(self._relayed(request, answer), lambda: answer.reusable,
                               lambda: answer.streaming)

    async def _link(self) -> tuple[_Link, bool]:
        """An idle connection (True: reused) or a new one."""
        while self._idle:
            link = self._idle.pop()
            if not link.closed:
                return link, True
        _, link = await asyncio.get_running_loop().create_unix_connection(_Link, self.path)
        return link, False

    async def _exchange(self, message: bytes) -> tuple[_Link, int]:
        """Send `message`; the connection, its answer's head ending at the returned offset of
        what it received. A reused connection the owner had closed is retried once on a new
        one: the owner read nothing of it."""
        for _ in range(2):
            link, reused = await self._link()
            assert link.transport is not None
            link.transport.write(message)
            try:
                while (end := link.received.find(b"\r\n\r\n")) < 0:
                    await link.more()
                return link, end + 4
            except asyncio.IncompleteReadError:
                link.close()
                if not reused or link.received:
                    raise
        raise ConnectionError("the owner closed the connection")

    async def _relayed(self, request: Request, answer: _Answer) -> AsyncIterator[bytes]:
        self.forwarded += 1
        try:
            link, head_end = await self._exchange(_message(request, request.body))
        except (OSError, asyncio.IncompleteReadError):
            yield encode(UNREACHABLE, keep_alive=False)
            return
        done = False
        received = link.received
        try:
            length, closing = _framing(bytes(received[:head_end]), request.method)
            if length is None:  # until the owner closes: a stream
                answer.streaming = True
                while True:
                    if received:
                        chunk = bytes(received)
                        received.clear()
                        yield chunk
                    if link.closed:
                        return
                    await link.more()
            left = head_end + length  # bytes of the answer not yielded yet
            while len(received) < left:
                if len(received) >= READ:  # a large answer goes as it comes
                    chunk = bytes(received)
                    received.clear()
                    left -= len(chunk)
                    yield chunk
                else:
                    await link.more()
            chunk = bytes(received[:left])
            del received[:left]
            done = not closing and not received
            answer.reusable = done
            yield chunk
        finally:
            if done and len(self._idle) < MAX_IDLE:
                self._idle.append(link)
            else:
                link.close()

    async def answer_to_head(self, request: Request, limit: int) -> Response:
        """The owner's answer to the head of a request whose body is over `limit`, its body
        unsent: the owner refuses it from its head, as it would on TCP. A chunked body is
        declared one byte over the limit (the owner would have refused it there)."""
        reader, writer = await asyncio.open_unix_connection(self.path, limit=READ)
        try:
            writer.write(_message(request, None, limit + 1))
            head = await reader.readuntil(b"\r\n\r\n")
            length, _ = _framing(head, request.method)
            body = await reader.readexactly(length) if length else b""
        finally:
            writer.close()
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        headers = [(name, value) for name, _, value in
                   (line.partition(b": ") for line in lines[1:] if line)
                   if name.lower() not in (b"content-length", b"connection")]
        return status, headers, body

    def close(self) -> None:
        for link in self._idle:
            link.close()
        self._idle.clear()


def _message(request: Request, body: bytes | None, over: int = 0) -> bytes:
    """The request as sent to the owner; `body` None: the head alone, with the length the
    client declared (else `over`)."""
    headers = request.headers
    target = request.target or request.path.encode("latin-1") + (
        b"?" + request.query.encode("latin-1") if request.query else b"")
    lines = "".join([f"{name}: {value}\r\n" for name, value in headers.items()
                     if name not in DROPPED])
    if body is None:
        length = headers.get("content-length")
        declared = length if length is not None and length.isdigit() else str(over)
        lines += f"content-length: {declared}\r\n\r\n"
        body = b""
    elif body or "content-length" in headers or "transfer-encoding" in headers:
        lines += f"content-length: {len(body)}\r\n\r\n"
    else:
        lines += "\r\n"
    return b"".join((request.method.encode("latin-1"), b" ", target, b" HTTP/",
                     request.version.encode("latin-1"), b"\r\n", lines.encode("latin-1"), body))


def _framing(head: bytes, method: str) -> tuple[int | None, bool]:
    """(the body's length, None until the connection closes; whether the owner closes the
    connection after it) of an answer's head. The owner frames every answer by its
    Content-Length but a streaming one."""
    status = int(head[9:12])
    low = head.lower()
    at = low.find(b"\r\ncontent-length:")
    length = None if at < 0 else int(low[at + 17:low.index(b"\r\n", at + 17)])
    closing = low.find(b"\r\nconnection: close\r\n") >= 0
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return 0, closing
    if length is None:
        return None, True
    return length, closing
