"""S3 on the server's port: a request's bucket and key (addressing.py), its operation
(routes.py), its members (wire/rest_xml.py from botocore's s3 model; an aws-chunked body
decoded first, its trailing checksums taken as headers), the caller's authorisation, the
operation, and the answer: header members, then the object's bytes or an XML document. Errors
are S3's `<Error>` document; answers to HEAD have no body."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from botocore.model import OperationModel, ServiceModel, StructureShape

from headwater.core.context import RequestContext, Served
from headwater.core.tenancy import Authorize
from headwater.s3.addressing import locate
from headwater.s3.routes import route
from headwater.s3.service import OPERATIONS, ROOTS, Operation
from headwater.wire import aws_chunked as chunked
from headwater.wire.errors import AwsError, InternalServerError
from headwater.wire.models import service_model
from headwater.wire.rest_xml import (
    S3_NAMESPACE,
    XML_DECLARATION,
    decode_document,
    decode_members,
    encode_document,
    encode_headers,
    error_document,
    query_pairs,
)

log = logging.getLogger("headwater.s3")

Response = tuple[int, list[tuple[bytes, bytes]], bytes]
XML = b"application/xml"
# Verifies an aws-chunked body's chunk signatures (under --credentials; None: not checked).
ChunkCheck = Callable[[Mapping[str, str], chunked.Decoded], None]


class S3Service:
    def __init__(self, authorize: Authorize | None = None,
                 chunk_check: ChunkCheck | None = None,
                 operations: Mapping[str, Operation] | None = None) -> None:
        self.model: ServiceModel = service_model("s3")
        self.authorize = authorize
        self.chunk_check = chunk_check
        self.operations = dict(operations or OPERATIONS)

    def handle(self, ctx: RequestContext[Any], method: str, path: str, query: str,
               headers: dict[str, str], body: bytes) -> Response:
        name = "Unknown"
        try:
            bucket, key = locate(headers.get("host", ""), path)
            params = query_pairs(query)
            name = route(method, bucket, key, params, headers)
            model = self.model.operation_model(name)
            request = self._decode(model, bucket, key, params, headers, body)
            if self.authorize is not None:
                self.authorize(ctx, name, request)
            result = self.operations[name](ctx, request)
        except AwsError as error:
            return self.error_response(ctx, error, head=method == "HEAD")
        except Exception:
            log.exception("unhandled error in S3 %s (request %s)", name, ctx.request_id)
            return self.error_response(ctx, InternalServerError("We encountered an internal "
                                                                "error. Please try again."),
                                       head=method == "HEAD")
        return self._encode(ctx, name, model, result)

    def _decode(self, model: OperationModel, bucket: str, key: str, params: dict[str, str],
                headers: dict[str, str], body: bytes) -> dict[str, Any]:
        if chunked.is_chunked(headers) and body:
            decoded = chunked.decode(body, headers.get("x-amz-decoded-content-length"))
            if self.chunk_check is not None:
                self.chunk_check(headers, decoded)
            body = decoded.data
            headers = {**headers, **decoded.trailers}
        shape = model.input_shape
        request = decode_members(shape, {"Bucket": bucket, "Key": key}, params, headers)
        payload = shape.serialization.get("payload") if shape is not None else None
        if shape is not None and payload is not None:
            member = shape.members[payload]
            if member.type_name == "blob":
                request[payload] = body
            elif body.strip():
                request[payload] = decode_document(member, body)
        return request

    def _encode(self, ctx: RequestContext[Any], name: str, model: OperationModel,
                result: dict[str, Any]) -> Response:
        shape = model.output_shape
        status = int(model.http.get("responseCode", 200))
        if "ContentRange" in result and name == "GetObject":
            status = 206
        headers = self._base_headers(ctx)
        headers += encode_headers(shape, result)
        if name == "GetObject":
            headers = [h for h in headers if h[0].lower() != b"content-length"]
            return status, headers, result.get("Body") or b""
        if name in ("HeadObject", "HeadBucket"):
            return status, headers, b""
        body = self._document(name, shape, result)
        if body:
            headers.append((b"content-type", XML))
        elif status == 200 and model.http.get("method") == "DELETE":
            status = 204
        return status, headers, body

    @staticmethod
    def _document(name: str, shape: StructureShape | None, result: dict[str, Any]) -> bytes:
        if shape is None:
            return b""
        if name == "GetBucketLocation":
            constraint = result.get("LocationConstraint") or ""
            return (f'{XML_DECLARATION}<LocationConstraint xmlns="{S3_NAMESPACE}">'
                    f"{constraint}</LocationConstraint>").encode()
        payload = shape.serialization.get("payload")
        if payload is not None:
            member = shape.members[payload]
            if isinstance(member, StructureShape) and result.get(payload) is not None:
                return encode_document(member, result[payload], payload)
            return b""
        root = ROOTS.get(name)
        return encode_document(shape, result, root) if root is not None else b""

    def error_response(self, ctx: RequestContext[Served], error: AwsError, *,
                       head: bool = False) -> Response:
        headers = self._base_headers(ctx)
        if head or error.status == 304:
            return error.status, headers, b""
        headers.append((b"content-type", XML))
        return error.status, headers, error_document(error, ctx.request_id, _host_id())

    @staticmethod
    def _base_headers(ctx: RequestContext[Any]) -> list[tuple[bytes, bytes]]:
        return [(b"x-amz-request-id", ctx.request_id.encode()),
                (b"x-amz-id-2", _host_id().encode())]


def _host_id() -> str:
    return secrets.token_urlsafe(32)
