"""A tiny HTTP/1.1 server for one execution environment's Lambda Runtime API
(`/2018-06-01/runtime/...`), served on its own loopback port by the server's event loop.
Keep-alive, Content-Length and chunked request bodies; the environment answers the routes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("headwater.functions")

Answer = tuple[int, dict[str, str], bytes]
Handler = Callable[[str, str, dict[str, str], bytes], Awaitable[Answer]]
REASONS = {200: "OK", 202: "Accepted", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
           413: "Request Entity Too Large", 500: "Internal Server Error"}
MAX_REQUEST = 7 * 1024 * 1024


async def serve(handler: Handler) -> asyncio.Server:
    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers: dict[str, str] = {}
                for line in lines[1:]:
                    if ":" in line:
                        key, _, value = line.partition(":")
                        headers[key.strip().lower()] = value.strip()
                body = await _body(reader, headers)
                status, extra, payload = await handler(method, target, headers, body)
                out = [f"HTTP/1.1 {status} {REASONS.get(status, 'OK')}",
                       f"Content-Length: {len(payload)}"]
                out.extend(f"{k}: {v}" for k, v in extra.items())
                writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + payload)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("runtime API connection failed")
        finally:
            writer.close()

    return await asyncio.start_server(connection, "127.0.0.1", 0, limit=MAX_REQUEST)


async def _body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks: list[bytes] = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return b"".join(chunks)
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
    length = int(headers.get("content-length") or 0)
    return await reader.readexactly(length) if length else b""
