"""Smithy RPC v2 CBOR protocol (what current botocore uses for CloudWatch): `POST
/service/<ServiceName>/operation/<Operation>` with a CBOR body, `smithy-protocol: rpc-v2-cbor`.

Bodies are decoded and encoded with botocore's own CBOR code, driven by the operation's input
and output shapes, so the encoding is exactly what the client expects. Errors are CBOR maps
with `__type` and `message`; for awsQueryCompatible services the classic code also goes in
`x-amzn-query-error` ("Code;Sender").
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from botocore.parsers import RpcV2CBORParser
from botocore.serialize import RpcV2CBORSerializer

from headwater.core.context import RequestContext, Served
from headwater.core.tenancy import Authorize
from headwater.wire.errors import (
    AwsError,
    InternalServerError,
    SerializationException,
    UnknownOperationException,
)
from headwater.wire.models import service_model
from headwater.wire.validate import compile_input

log = logging.getLogger("headwater.wire")

Operation = Callable[[RequestContext[Any], dict[str, Any]], Any]
Response = tuple[int, list[tuple[bytes, bytes]], bytes]
PREFIX = "/service/"


def is_rpc_v2_path(path: str) -> bool:
    return path.startswith(PREFIX) and "/operation/" in path


class RpcV2CborService:
    def __init__(self, model_name: str, operations: Mapping[str, Operation],
                 error_namespace: str, authorize: Authorize | None = None) -> None:
        self.model = service_model(model_name)
        self.service_name = self.model.metadata["targetPrefix"]
        self.operations = operations
        self.error_namespace = error_namespace
        self.authorize = authorize  # who may do what (authorization.py), after validation
        self.query_compatible = "awsQueryCompatible" in self.model.metadata
        self.validators = {name: compile_input(self.model.operation_model(name).input_shape)
                           for name in operations}
        self._serializer = RpcV2CBORSerializer()
        self._parser = RpcV2CBORParser()

    def serves(self, path: str) -> bool:
        return path.startswith(f"{PREFIX}{self.service_name}/operation/")

    async def handle(self, ctx: RequestContext[Served], path: str, body: bytes) -> Response:
        name = path.rsplit("/", 1)[-1]
        try:
            result = await self._call(ctx, name, body)
        except AwsError as error:
            return self._error(ctx, error)
        except Exception:
            log.exception("unhandled error in %s (request %s)", name, ctx.request_id)
            return self._error(ctx, InternalServerError("Internal server error"))
        out = bytearray()
        output = self.model.operation_model(name).output_shape
        if output is not None:
            self._serializer._serialize_data_item(out, result or {}, output)
        return 200, self._headers(ctx), bytes(out)

    async def _call(self, ctx: RequestContext[Served], name: str, body: bytes) -> Any:
        operation = self.operations.get(name)
        if operation is None:
            raise UnknownOperationException("")
        try:
            decoded = self._parser._initial_body_parse(body) if body else {}
        except Exception:
            raise SerializationException("Unable to parse the CBOR request body.") from None
        if decoded == b"":
            decoded = {}
        if not isinstance(decoded, dict):
            raise SerializationException("Unable to parse the CBOR request body.")
        request = _plain(decoded)
        self.validators[name](request)
        if self.authorize is not None:
            self.authorize(ctx, name, request)
        result = operation(ctx, request)
        if inspect.isawaitable(result):
            result = await result
        return result

    def _headers(self, ctx: RequestContext[Served]) -> list[tuple[bytes, bytes]]:
        return [(b"smithy-protocol", b"rpc-v2-cbor"), (b"content-type", b"application/cbor"),
                (b"x-amzn-requestid", ctx.request_id.encode())]

    def _error(self, ctx: RequestContext[Served], error: AwsError) -> Response:
        headers = self._headers(ctx)
        query_code = getattr(error, "query_code", None)
        if self.query_compatible and query_code:
            fault = "Sender" if error.sender_fault else "Receiver"
            headers.append((b"x-amzn-query-error", f"{query_code};{fault}".encode()))
        payload = {"__type": f"{self.error_namespace}#{error.code}", "message": error.message}
        return error.status, headers, encode_text_map(payload)


def _plain(value: Any) -> Any:
    """Decoded CBOR with timestamps as epoch seconds (what the validator and operations use)."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if length < 1 << (8 * size):
            return bytes([major << 5 | extra]) + length.to_bytes(size, "big")
    raise ValueError("too long")


def encode_text_map(payload: dict[str, str]) -> bytes:
    out = bytearray(_head(5, len(payload)))
    for key, value in payload.items():
        for text in (key, value):
            data = text.encode()
            out += _head(3, len(data)) + data
    return bytes(out)
