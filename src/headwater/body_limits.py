"""How large each API's request body may be, decided from the request's head before any of
the body is read (the HTTP server answers a larger one at once and reads no more of it).

- DynamoDB and DynamoDB Streams: 16 MB ("the maximum size of an HTTP request is 16 MB",
  BatchWriteItem's page); AWS answers a larger body, sent with Content-Length or chunked, with
  a bare 413 (dynalite's connection tests, recorded against DynamoDB; Alternator's
  test_manual_requests.py, run against DynamoDB). 16 MB exactly is still accepted.
- Lambda: Invoke's payload 6 MB (RequestResponse) or 1 MB (Event); every other operation
  69905067 bytes, a 50 MB zip base64-encoded in CreateFunction or UpdateFunctionCode. AWS
  answers 413 RequestEntityTooLargeException "Request must be smaller than 69905067 bytes for
  the UpdateFunctionCode operation" (its recorded wording).
- SQS, SNS, CloudWatch, Logs: 4 MB, room for a 1 MiB message (SQS's largest) escaped three
  times over (\\uXXXX in JSON, %XX in a form), so the operation's own size error is the one a
  client sees. AWS's exact limit for these is not published.
- S3: a single PUT (or part) holds up to 5 GiB (PutObject API reference), plus the framing of
  an aws-chunked body (under 1% at the SDKs' 64 KiB chunks); AWS answers a larger one with
  EntityTooLarge (the server's too_large hook). Other S3 requests (XML documents): 4 MB.
- Everything else (control endpoints, unknown paths): 1 MB.
"""

from __future__ import annotations

from headwater.functions.invoker import ASYNC_LIMIT, SYNC_LIMIT
from headwater.functions.rest_api import is_lambda_path
from headwater.s3.addressing import is_s3_request
from headwater.s3.payloads import MAX_OBJECT
from headwater.wire.aws_chunked import is_chunked
from headwater.wire.sigv4 import credential_scope

MB = 1024 * 1024
DYNAMODB = 16 * MB
LAMBDA = 69905067  # ceil(52428800 * 4 / 3): a 50 MB zip in base64
MESSAGING = 4 * MB
OTHER = MB
S3_UPLOAD = MAX_OBJECT + MAX_OBJECT // 64  # the framing of an aws-chunked body
BY_TARGET = {"DynamoDB_20120810": DYNAMODB, "DynamoDBStreams_20120810": DYNAMODB}


def body_limit(method: str, path: str, headers: dict[str, str], query: str = "") -> int:
    """The most bytes this request's body may have."""
    target = headers.get("x-amz-target")
    if target is not None:
        return target_limit(target)
    if is_s3(headers, query):
        return s3_limit(method, headers)
    if is_lambda_path(path):
        if is_invoke(method, path):
            return invoke_limit(headers)
        return LAMBDA
    if method == "POST" and (path == "/" or path.startswith("/service/")
                             or path[1:2].isdigit()):
        return MESSAGING  # query protocol (to / or a queue URL), rpc-v2-cbor
    return OTHER


def target_limit(target: str) -> int:
    """The most bytes of the body of a request with this X-Amz-Target (a JSON service's)."""
    limit = _TARGET_LIMITS.get(target)
    if limit is None:
        limit = BY_TARGET.get(target.partition(".")[0], MESSAGING)
        if len(_TARGET_LIMITS) >= 512:
            _TARGET_LIMITS.clear()
        _TARGET_LIMITS[target] = limit
    return limit


_TARGET_LIMITS: dict[str, int] = {}


def is_invoke(method: str, path: str) -> bool:
    return method == "POST" and path.rstrip("/").endswith("/invocations")


def invoke_limit(headers: dict[str, str]) -> int:
    return ASYNC_LIMIT if headers.get("x-amz-invocation-type") == "Event" else SYNC_LIMIT


def invoke_operation(headers: dict[str, str]) -> str:
    """The operation Lambda names when an Invoke payload is too large."""
    return "InvokeAsync" if headers.get("x-amz-invocation-type") == "Event" else "InvokeFunction"


def s3_limit(method: str, headers: dict[str, str]) -> int:
    """A PUT's body: 5 GiB, plus the framing of an aws-chunked one, whose payload (its
    x-amz-decoded-content-length) must itself be within 5 GiB (0 refuses the body at once)."""
    if method != "PUT":
        return MESSAGING
    if not is_chunked(headers):
        return MAX_OBJECT
    decoded = headers.get("x-amz-decoded-content-length", "")
    return 0 if decoded.isdigit() and int(decoded) > MAX_OBJECT else S3_UPLOAD


def is_s3(headers: dict[str, str], query: str) -> bool:
    scope = credential_scope(headers.get("authorization"))
    return is_s3_request(scope[3] if len(scope) >= 5 else "", headers.get("host", ""), query,
                         headers.get("authorization", ""))
