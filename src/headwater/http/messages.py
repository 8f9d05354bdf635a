"""What the HTTP server hands the application and takes back: the request (its head and whole
body), the answer (status, headers, body) or a streaming one, the hooks an application gives,
and a response's bytes on the wire."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus

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
    # The request target as sent (percent-encoding kept) and the HTTP version ("1.1", "1.0"):
    # what a serving process needs to forward the request as received (serving/forward.py).
    target: bytes = b""
    version: str = "1.1"


@dataclass(slots=True)
class StreamingResponse:
    """A response whose body is written as `chunks` yields them (server-sent events): no
    content-length, and the connection closes when the chunks end, the client goes away (the
    iterator is then cancelled) or the server shuts down."""

    status: int
    headers: Headers
    chunks: AsyncIterator[bytes]


@dataclass(slots=True)
class RelayedResponse:
    """A response another server answered, relayed as its bytes (framing included): written as
    `chunks` yields them; once they end, `reusable()` tells whether the connection may serve
    its next request (the answer was complete and did not close its connection)."""

    chunks: AsyncIterator[bytes]
    reusable: Callable[[], bool]
    # Whether the answer is a stream (no length: it ends when the other server closes it),
    # which a shutdown closes rather than waits for.
    streaming: Callable[[], bool] = lambda: False


# The response, or an awaitable of it when the request must wait (a long poll, an invoke), or
# a streaming one, or one relayed from another server.
Handler = Callable[[Request], Response | Awaitable[Response | RelayedResponse]
                   | StreamingResponse | RelayedResponse]
# Calls back (with None, or the error that lost them) once the writes made so far are durable.
Settle = Callable[[Callable[[BaseException | None], None]], None]
# Sizes a request from its head (body still unread, `body` empty): the most bytes its body may
# have, or the answer to send at once (the body is then read and dropped, and the connection
# closes), e.g. a refusal to authenticate.
Head = Callable[[Request], int | Response]
# The answer (a 413) to a request whose body is over its limit (its head, the limit in bytes),
# or an awaitable of it (a serving process asks the server it forwards to).
TooLarge = Callable[[Request, int], Response | Awaitable[Response]]
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


def encode(response: Response, *, keep_alive: bool, client_keep_alive: bool = False,
            head: bool = False, length: bool = True) -> bytes:
    """A response's bytes: status line, headers, content-length, and the connection header
    when the connection closes (or an HTTP/1.0 client asked to keep it)."""
    status, headers, body = response
    out = [STATUS_LINES.get(status) or _status_line(status)]
    out.extend(b"%s: %s\r\n" % header for header in headers)
    if length:
        out.append(b"content-length: %d\r\n" % len(body))
    if not keep_alive:
        out.append(b"connection: close\r\n")
    elif client_keep_alive:
        out.append(b"connection: keep-alive\r\n")  # HTTP/1.0 clients ask for it
    out.append(b"\r\n")
    if not head:
        out.append(body)
    return b"".join(out)


def encode_kept(response: Response) -> bytes:
    """`encode(response, keep_alive=True)`: a keep-alive connection's answer to a request that
    is not HEAD and asked nothing of the connection (no Connection header)."""
    status, headers, body = response
    return b"".join((STATUS_LINES.get(status) or _status_line(status),
                     *map(_HEADER_LINE, headers),
                     b"content-length: %d\r\n\r\n" % len(body), body))


# `name: value` and its CRLF, of a header (name, value): formatted without a Python frame each.
_HEADER_LINE = b"%s: %s\r\n".__mod__


def default_too_large(request: Request, limit: int) -> Response:
    """The answer to a body over its limit when the application gives none."""
    return 413, [(b"content-type", b"text/plain")], b"Request body too large"
