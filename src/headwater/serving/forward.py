"""A serving process hands a request to the owner over the owner's Unix socket, in the same
HTTP/1.1 as on TCP, and relays the answer back as its bytes (http RelayedResponse): status
line, headers and body exactly as the owner wrote them, a streaming answer (the console's
event feed) chunk by chunk until the owner closes it.

The request goes as received: its method, target (percent-encoding kept), HTTP version,
headers (names lower-cased, a repeated header joined with commas, as the owner's parser would
see it anyway) and body. Only the framing changes: the body is whole here, so a chunked body is
sent with its Content-Length, and `Expect: 100-continue` was already answered by this process.

Connections to the owner are kept and reused one request at a time (the owner never closes an
idle one: its Unix listener has no idle timeout); one the owner ended, or an answer cut short,
is not reused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

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


class Forwarder:
    def __init__(self, path: str) -> None:
        self.path = path
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.forwarded = 0

    def relay(self, request: Request) -> RelayedResponse:
        answer = _Answer()
        return RelayedResponse(self._relayed(request, answer), lambda: answer.reusable,
                               lambda: answer.streaming)

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bool]:
        """An idle connection (True: reused) or a new one."""
        while self._idle:
            reader, writer = self._idle.pop()
            if not reader.at_eof() and not writer.is_closing():
                return reader, writer, True
            writer.close()
        reader, writer = await asyncio.open_unix_connection(self.path, limit=READ)
        return reader, writer, False

    async def _exchange(self, message: bytes
                        ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bytes]:
        """Send `message`, return the connection and the answer's head (through its blank
        line). A reused connection the owner had closed is retried once on a new one: the
        owner read nothing of it."""
        for _ in range(2):
            reader, writer, reused = await self._connection()
            try:
                writer.write(message)
                head = await reader.readuntil(b"\r\n\r\n")
                return reader, writer, head
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                writer.close()
                if not reused or (isinstance(error, asyncio.IncompleteReadError)
                                  and error.partial):
                    raise
        raise ConnectionError("the owner closed the connection")

    async def _relayed(self, request: Request, answer: _Answer) -> AsyncIterator[bytes]:
        self.forwarded += 1
        try:
            reader, writer, head = await self._exchange(_message(request, request.body))
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            yield encode(UNREACHABLE, keep_alive=False)
            return
        done = False
        try:
            length, closing = _framing(head, request.method)
            if length is None:  # until the owner closes: a stream
                answer.streaming = True
                yield head
                while chunk := await reader.read(READ):
                    yield chunk
                return
            if length <= READ:
                yield head + (await reader.readexactly(length) if length else b"")
            else:
                yield head
                left = length
                while left:
                    chunk = await reader.read(min(left, READ))
                    if not chunk:
                        raise asyncio.IncompleteReadError(b"", left)
                    left -= len(chunk)
                    yield chunk
            done = not closing
            answer.reusable = done
        finally:
            if done and len(self._idle) < MAX_IDLE:
                self._idle.append((reader, writer))
            else:
                writer.close()

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
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()


def _message(request: Request, body: bytes | None, over: int = 0) -> bytes:
    """The request as sent to the owner; `body` None: the head alone, with the length the
    client declared (else `over`)."""
    headers = request.headers
    target = request.target or request.path.encode("latin-1") + (
        b"?" + request.query.encode("latin-1") if request.query else b"")
    out = [b"%s %s HTTP/%s\r\n" % (request.method.encode("latin-1"), target,
                                  request.version.encode("latin-1"))]
    out.extend(b"%s: %s\r\n" % (name.encode("latin-1"), value.encode("latin-1"))
               for name, value in headers.items() if name not in DROPPED)
    if body is None:
        length = headers.get("content-length")
        declared = length if length is not None and length.isdigit() else str(over)
        out.append(b"content-length: %s\r\n\r\n" % declared.encode("latin-1"))
        return b"".join(out)
    if body or "content-length" in headers or "transfer-encoding" in headers:
        out.append(b"content-length: %d\r\n" % len(body))
    out.append(b"\r\n")
    out.append(body)
    return b"".join(out)


def _framing(head: bytes, method: str) -> tuple[int | None, bool]:
    """(the body's length, None until the connection closes; whether the owner closes the
    connection after it) of an answer's head. The owner frames every answer by its
    Content-Length but a streaming one."""
    status = int(head[9:12])
    length: int | None = None
    closing = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and value.strip().lower() == b"close":
            closing = True
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return 0, closing
    if length is None:
        return None, True
    return length, closing
