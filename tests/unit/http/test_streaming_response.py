"""http.server's StreamingResponse (the console's server-sent events): the head goes out at
once without a content-length, each chunk as it is yielded, and the connection closes when the
chunks end; a client that leaves, or a server that shuts down, ends the iterator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from headwater.http.server import HttpServer, Request, Response, StreamingResponse


def _settled(callback: Callable[[BaseException | None], None]) -> None:
    callback(None)


class Source:
    """Chunks handed out as the test puts them; records whether the iterator was closed."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.closed = asyncio.Event()

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            while (chunk := await self.queue.get()) is not None:
                yield chunk
        finally:
            self.closed.set()


async def _serve(source: Source) -> tuple[HttpServer, int]:
    def handler(request: Request) -> Response | StreamingResponse:
        if request.path == "/stream":
            return StreamingResponse(200, [(b"content-type", b"text/event-stream")],
                                     source.chunks())
        return 200, [], b"plain"
    server = HttpServer(handler, _settled)
    host, port = await server.listen("127.0.0.1", 0)
    return server, port


async def _open(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /stream HTTP/1.1\r\nhost: x\r\n\r\n")
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    return reader, writer, head


def test_chunks_are_written_as_they_come_and_the_connection_closes_at_the_end() -> None:
    async def scenario() -> tuple[bytes, bytes, bytes, bytes]:
        source = Source()
        server, port = await _serve(source)
        reader, writer, head = await _open(port)
        await source.queue.put(b"data: one\n\n")
        first = await asyncio.wait_for(reader.readexactly(11), 5)
        await source.queue.put(b"data: two\n\n")
        second = await asyncio.wait_for(reader.readexactly(11), 5)
        await source.queue.put(None)
        rest = await asyncio.wait_for(reader.read(), 5)  # EOF: the server closed
        writer.close()
        await server.shutdown(1)
        return head, first, second, rest

    head, first, second, rest = asyncio.run(scenario())
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"content-type: text/event-stream\r\n" in head
    assert b"content-length" not in head.lower()
    assert b"connection: close\r\n" in head
    assert (first, second, rest) == (b"data: one\n\n", b"data: two\n\n", b"")


def test_a_client_that_leaves_closes_the_iterator() -> None:
    async def scenario() -> bool:
        source = Source()
        server, port = await _serve(source)
        _, writer, _ = await _open(port)
        writer.close()
        await asyncio.wait_for(source.closed.wait(), 5)
        await server.shutdown(1)
        return source.closed.is_set()

    assert asyncio.run(scenario())


def test_shutdown_ends_a_stream_at_once() -> None:
    async def scenario() -> tuple[bool, bytes]:
        source = Source()
        server, port = await _serve(source)
        reader, writer, _ = await _open(port)
        await asyncio.wait_for(server.shutdown(30), 5)  # does not wait out the grace
        rest = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        return source.closed.is_set(), rest

    closed, rest = asyncio.run(scenario())
    assert closed and rest == b""
