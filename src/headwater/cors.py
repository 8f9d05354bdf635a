"""CORS, so browser SDKs can call the port, as AWS's endpoints answer it.

A preflight (OPTIONS with an Origin) gets 200 with an empty body, `Access-Control-Allow-Origin:
*`, the method and headers the browser asked for (`Access-Control-Request-Method`/`-Headers`)
echoed as allowed, and `Access-Control-Max-Age: 172800`; it needs no signature. Any other
request with an Origin gets `Access-Control-Allow-Origin: *` and `Access-Control-Expose-Headers`,
the response headers a script may read. Without an Origin nothing is added, and an OPTIONS
without one is no preflight (404).

Evidence: dynalite's connection tests, recorded against DynamoDB (test/connection.js: the
preflight's headers, Max-Age 172800, content-length 0, `x-amzn-RequestId`); ScyllaDB
Alternator's test_cors.py, run against DynamoDB (no CORS headers without Origin; echoed
method and headers only on the preflight), and its server's note that DynamoDB exposes
`x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date`; docker-lambda (by dynalite's
author) for Lambda's list, which adds `x-amz-log-result,x-amz-function-error`.
"""

from __future__ import annotations

from collections.abc import Awaitable

from headwater.http.server import Headers, Request, Response

EXPOSE = b"x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"
LAMBDA_EXPOSE = EXPOSE + b",x-amz-log-result,x-amz-function-error"
MAX_AGE = b"172800"


def preflight(request: Request, request_id: str, expose: bytes = EXPOSE) -> Response:
    """The answer to an OPTIONS request that carries an Origin."""
    headers: Headers = [(b"x-amzn-requestid", request_id.encode()),
                        (b"access-control-allow-origin", b"*"),
                        (b"access-control-expose-headers", expose)]
    asked = request.headers.get("access-control-request-headers")
    if asked:
        headers.append((b"access-control-allow-headers", asked.encode("latin-1")))
    method = request.headers.get("access-control-request-method")
    if method:
        headers.append((b"access-control-allow-methods", method.encode("latin-1")))
    headers.append((b"access-control-max-age", MAX_AGE))
    return 200, headers, b""


def allow(response: Response, expose: bytes = EXPOSE) -> Response:
    """`response` with the headers that let a page of another origin read it."""
    status, headers, body = response
    return status, [*headers, (b"access-control-allow-origin", b"*"),
                    (b"access-control-expose-headers", expose)], body


async def allow_later(pending: Awaitable[Response], expose: bytes = EXPOSE) -> Response:
    return allow(await pending, expose)
