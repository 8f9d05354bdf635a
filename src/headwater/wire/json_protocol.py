"""AWS JSON 1.0/1.1 protocol: `X-Amz-Target` dispatch, request decoding and validation,
response and error encoding.

Check order (as AWS answers): JSON parse (SerializationException), target
(UnknownOperationException), model validation (ValidationException), then the operation.
"""

from __future__ import annotations

import inspect
import logging
import zlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from headwater.core.context import RequestContext, Served
from headwater.core.tenancy import Authorize
from headwater.wire.errors import (
    AwsError,
    InternalServerError,
    SerializationException,
    UnknownOperationException,
    ValidationException,
)
from headwater.wire.models import name_or_arn_shapes, service_model
from headwater.wire.validate import NOT_A_STRUCTURE, compile_input, name_or_arn

log = logging.getLogger("headwater.wire")

Operation = Callable[[RequestContext[Any], dict[str, Any]], Any]
Answer = tuple[int, bytes]

# Errors raised by AWS's shared front end rather than the service carry these namespaces.
CORAL_NAMESPACES = {
    # IAM's refusal, raised by AWS's front end: DynamoDB and (403) SQS (dynalite
    # test/helpers.js assertAccessDenied, recorded against DynamoDB).
    "AccessDeniedException": "com.amazon.coral.service",
    "SerializationException": "com.amazon.coral.service",
    "UnknownOperationException": "com.amazon.coral.service",
    "ValidationException": "com.amazon.coral.validate",
}

# Front-end errors AWS sends without a message member when there is nothing to say.
MESSAGELESS = frozenset({"SerializationException", "UnknownOperationException"})
# The JSON deserialiser capitalises its member: {"__type": "...#SerializationException",
# "Message": "NUMBER_VALUE cannot be converted to String"} (dynalite test/helpers.js
# assertSerialization, recorded against DynamoDB). botocore reads either spelling.
MESSAGE_MEMBER = {"SerializationException": "Message", "AccessDeniedException": "Message"}


@dataclass
class JsonService:
    model_name: str
    target_prefix: str
    error_namespace: str
    operations: Mapping[str, Operation]
    content_type: str = "application/x-amz-json-1.0"
    crc32: bool = False
    validators: dict[str, Callable[[dict[str, Any]], None]] = field(default_factory=dict)
    # awsQueryCompatible services (SQS): `x-amzn-query-error` values by error code.
    query_errors: dict[str, str] = field(default_factory=dict)
    # The service's check of who may do what (core/tenancy.py), run after validation.
    authorize: Authorize | None = None
    # Service checks whose wording replaces the model's constraint errors, by operation (a
    # missing CreateTable TableName is not "Member must not be null"); run when the model
    # rejects the request.
    prechecks: Mapping[str, Callable[[dict[str, Any]], None]] = field(default_factory=dict)
    # Told of every request the service refuses with an AWS error, whether the operation ran
    # or not (DynamoDB's UserErrors counts validation and signature refusals too).
    refused: Callable[[RequestContext[Any], AwsError], None] | None = None

    def __post_init__(self) -> None:
        self._content_header = (_CONTENT_TYPES.get(self.content_type)
                                or (b"content-type", self.content_type.encode()))
        model = service_model(self.model_name)
        overrides = {shape: name_or_arn(model.shape_for(name_shape), model.shape_for(arn_shape))
                     for shape, (name_shape, arn_shape)
                     in name_or_arn_shapes(self.model_name).items()}
        for name in self.operations:
            self.validators[name] = compile_input(model.operation_model(name).input_shape,
                                                  _java_package(model.metadata), overrides)

    def handle(self, ctx: RequestContext[Served], operation_name: str, body: bytes
               ) -> Answer | Awaitable[Answer]:
        """(status, body) at once for a synchronous operation (most of them: no task, no
        suspension on the hot path), or an awaitable of it for an asynchronous one."""
        try:
            result = self._call(ctx, operation_name, body)
        except Exception as error:
            return self._failure(ctx, operation_name, error)
        if type(result) is dict:  # the usual answer: no awaitable to look for
            return 200, orjson.dumps(result)
        if inspect.isawaitable(result):
            return self._finish(ctx, operation_name, result)
        return 200, _encode(result)

    async def _finish(self, ctx: RequestContext[Served], operation_name: str, result: Awaitable[Any]
                      ) -> Answer:
        try:
            return 200, _encode(await result)
        except Exception as error:
            return self._failure(ctx, operation_name, error)

    def _failure(self, ctx: RequestContext[Served], operation_name: str, error: Exception
                 ) -> Answer:
        if isinstance(error, AwsError):
            if self.refused is not None:
                self.refused(ctx, error)
            return error.status, self.error_body(error)
        log.error("unhandled error in %s.%s (request %s)", self.model_name, operation_name,
                  ctx.request_id, exc_info=error)
        return 500, self.error_body(InternalServerError("Internal server error"))

    def _call(self, ctx: RequestContext[Served], operation_name: str, body: bytes) -> Any:
        try:
            request = orjson.loads(body) if body else {}
        except orjson.JSONDecodeError:
            # AWS answers a body that is not JSON with a bare __type and no message
            # (dynalite test/connection.js, recorded against DynamoDB).
            raise SerializationException("")
        if not isinstance(request, dict):
            raise SerializationException(NOT_A_STRUCTURE)
        operation = self.operations.get(operation_name)
        if operation is None:
            raise UnknownOperationException("")
        try:
            self.validators[operation_name](request)
        except ValidationException:
            # A type error (SerializationException) still comes first; among constraint
            # errors, the service's own wording wins.
            precheck = self.prechecks.get(operation_name)
            if precheck is not None:
                precheck(request)
            raise
        if self.authorize is not None:
            self.authorize(ctx, operation_name, request)
        return operation(ctx, request)

    def error_body(self, error: AwsError) -> bytes:
        namespace = CORAL_NAMESPACES.get(error.code, self.error_namespace)
        payload: dict[str, Any] = {"__type": f"{namespace}#{error.code}"}
        if error.message or error.code not in MESSAGELESS:
            payload[MESSAGE_MEMBER.get(error.code, "message")] = error.message
        payload.update(error.members)
        return orjson.dumps(payload)

    def headers(self, ctx: RequestContext[Served], body: bytes) -> list[tuple[bytes, bytes]]:
        headers = [self._content_header, (b"x-amzn-requestid", ctx.request_id.encode())]
        if self.crc32:
            headers.append((b"x-amz-crc32", str(zlib.crc32(body)).encode()))
        if self.query_errors and body.startswith(b'{"__type"'):
            code = orjson.loads(body)["__type"].rpartition("#")[2]
            if code in self.query_errors:
                headers.append((b"x-amzn-query-error", self.query_errors[code].encode()))
        return headers


_CONTENT_TYPES = {name: (b"content-type", name.encode())
                  for name in ("application/x-amz-json-1.0", "application/x-amz-json-1.1")}


def _encode(result: Any) -> bytes:
    """The response body: an operation without an output shape (DynamoDB's TagResource and
    UntagResource) returns None and AWS sends it no body at all."""
    return b"" if result is None else orjson.dumps(result)


def _java_package(metadata: dict[str, Any]) -> str:
    """The Java package AWS names in type-mismatch messages: com.amazonaws.dynamodb.v20120810."""
    version = str(metadata.get("apiVersion", "")).replace("-", "")
    return f"com.amazonaws.{metadata.get('endpointPrefix', '')}.v{version}"
