"""AWS rest-json protocol (Lambda): routes from botocore's `http.requestUri`, request members
from URI, query string, headers, a payload member or the JSON body; responses with header and
status-code members; errors with the `x-amzn-ErrorType` header and a `Type`/`message` body
(aws-facts §3.1: the message member's case follows the error shape in the model).
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

import orjson
from botocore.model import OperationModel, ServiceModel, Shape

from headwater.core.context import RequestContext, Served
from headwater.core.tenancy import Authorize
from headwater.wire.errors import AwsError, InternalServerError, SerializationException
from headwater.wire.models import service_model
from headwater.wire.validate import compile_input

log = logging.getLogger("headwater.wire")

Operation = Callable[[RequestContext[Any], dict[str, Any]], Any]
Response = tuple[int, list[tuple[bytes, bytes]], bytes]


class UnknownOperationException(AwsError):
    """No operation of the service answers this method and path."""

    code = "UnknownOperationException"
    status = 404


@dataclass
class _Route:
    name: str
    method: str
    pattern: re.Pattern[str]
    model: OperationModel
    operation: Operation
    validate: Callable[[dict[str, Any]], None]


def _uri_pattern(uri: str) -> re.Pattern[str]:
    path = uri.split("?", 1)[0]
    out = []
    for part in re.split(r"(\{[^}]+\})", path):
        if part.startswith("{"):
            name = part[1:-1]
            greedy = name.endswith("+")
            name = name.rstrip("+")
            out.append(f"(?P<{name}>.+)" if greedy else f"(?P<{name}>[^/]+)")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out) + "/?")


def _convert(shape: Shape, raw: str) -> Any:
    if shape.type_name in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            return raw
    if shape.type_name == "boolean":
        return raw.lower() == "true"
    return raw


# Java regex classes some models use (Lambda's TagKey/TagValue), in Python's closest terms.
_JAVA_CLASSES = {r"\p{L}": r"\w", r"\p{Z}": r"\s", r"\p{N}": r"\d"}


def _python_patterns(model: ServiceModel) -> None:
    shapes: dict[str, dict[str, Any]] = model._shape_resolver._shape_map
    for shape in shapes.values():
        pattern = shape.get("pattern")
        if pattern and "\\p{" in pattern:
            for java, python in _JAVA_CLASSES.items():
                pattern = pattern.replace(java, python)
            shape["pattern"] = pattern


class RestJsonService:
    """One rest-json service: `handle()` takes the HTTP request, returns (status, headers, body)."""

    def __init__(self, model_name: str, operations: Mapping[str, Operation],
                 prechecks: Mapping[str, Callable[[dict[str, Any]], None]] | None = None,
                 authorize: Authorize | None = None) -> None:
        self.model: ServiceModel = service_model(model_name)
        _python_patterns(self.model)
        # Checks AWS makes before model validation (Lambda reports an unknown Runtime as
        # InvalidParameterValueException, not the model's enum ValidationException).
        self.prechecks = prechecks or {}
        self.authorize = authorize  # who may do what (core/tenancy.py), after validation
        self.routes: list[_Route] = []
        self._message_keys: dict[str, str] = {}
        for name, operation in operations.items():
            self.add(name, operation)

    def add(self, name: str, operation: Operation) -> None:
        op = self.model.operation_model(name)
        self.routes.append(_Route(name, op.http["method"], _uri_pattern(op.http["requestUri"]),
                                  op, operation, compile_input(op.input_shape)))

    def match(self, method: str, path: str) -> tuple[_Route, dict[str, str]] | None:
        for route in self.routes:
            if route.method != method:
                continue
            found = route.pattern.fullmatch(path)
            if found:
                return route, {k: unquote(v) for k, v in found.groupdict().items()}
        return None

    async def handle(self, ctx: RequestContext[Served], method: str, path: str, query: str,
                     headers: dict[str, str], body: bytes) -> Response:
        matched = self.match(method, path)
        if matched is None:
            return self.error_response(ctx, UnknownOperationException("Unknown operation."))
        route, params = matched
        try:
            request = self._decode(route, params, query, headers, body)
            if self.authorize is not None:
                self.authorize(ctx, route.name, request)
            result = route.operation(ctx, request)
            if inspect.isawaitable(result):
                result = await result
        except AwsError as error:
            return self.error_response(ctx, error)
        except Exception:
            log.exception("unhandled error in %s (request %s)", route.name, ctx.request_id)
            return self.error_response(ctx, InternalServerError("Internal server error"))
        return self._encode(ctx, route.model, result or {})

    def _decode(self, route: _Route, params: dict[str, str], query: str,
                headers: dict[str, str], body: bytes) -> dict[str, Any]:
        shape = route.model.input_shape
        if shape is None:
            return {}
        payload_name = shape.serialization.get("payload")
        request: dict[str, Any] = {}
        if payload_name is None and body:
            try:
                decoded = orjson.loads(body)
            except orjson.JSONDecodeError:
                raise SerializationException("Could not parse request body into json.")
            if not isinstance(decoded, dict):
                raise SerializationException("Could not parse request body into json.")
            request.update(decoded)
        pairs: dict[str, list[str]] = {}
        for key, value in parse_qsl(query, keep_blank_values=True) if query else ():
            pairs.setdefault(key, []).append(value)
        for name, member in shape.members.items():
            where = member.serialization.get("location")
            key = member.serialization.get("name", name)
            if where == "uri" and key in params:
                request[name] = params[key]
            elif where == "querystring" and key in pairs:
                # A list member repeats its key (UntagResource: `?tagKeys=a&tagKeys=b`).
                request[name] = (pairs[key] if member.type_name == "list"
                                 else _convert(member, pairs[key][-1]))
            elif where == "header" and key.lower() in headers:
                request[name] = _convert(member, headers[key.lower()])
        precheck = self.prechecks.get(route.name)
        if precheck is not None:
            precheck(request)
        route.validate(request)
        if payload_name is not None:
            request[payload_name] = body
        return request

    def _encode(self, ctx: RequestContext[Served], op: OperationModel, result: dict[str, Any]
                ) -> Response:
        status = int(op.http.get("responseCode", 200))
        headers = self._base_headers(ctx)
        shape = op.output_shape
        payload_name = shape.serialization.get("payload") if shape is not None else None
        body_members = dict(result)
        if shape is not None:
            for name, member in shape.members.items():
                if name not in body_members:
                    continue
                where = member.serialization.get("location")
                if where == "statusCode":
                    status = int(body_members.pop(name))
                elif where == "header":
                    value = body_members.pop(name)
                    key = member.serialization.get("name", name)
                    headers.append((key.encode(), str(value).encode()))
        if payload_name is not None:
            body = body_members.get(payload_name) or b""
            headers.append((b"content-type", b"application/json"))
            return status, headers, body if status != 204 else b""
        if status == 204:
            return status, headers, b""
        headers.append((b"content-type", b"application/json"))
        return status, headers, orjson.dumps(body_members)

    def error_response(self, ctx: RequestContext[Served], error: AwsError) -> Response:
        headers = self._base_headers(ctx)
        headers.append((b"x-amzn-errortype", error.code.encode()))
        headers.append((b"content-type", b"application/json"))
        body: dict[str, Any] = {}
        if error.code != "ValidationException":
            body["Type"] = "User" if error.sender_fault else "Service"
        body[self._message_key(error.code)] = error.message
        body.update(error.members)
        if "retryAfterSeconds" in error.members:
            headers.append((b"retry-after", str(error.members["retryAfterSeconds"]).encode()))
        return error.status, headers, orjson.dumps(body)

    def _message_key(self, code: str) -> str:
        key = self._message_keys.get(code)
        if key is None:
            key = "message"
            try:
                members = self.model.shape_for(code).members
                key = "Message" if "Message" in members else "message"
            except Exception:
                pass
            self._message_keys[code] = key
        return key

    @staticmethod
    def _base_headers(ctx: RequestContext[Served]) -> list[tuple[bytes, bytes]]:
        return [(b"x-amzn-requestid", ctx.request_id.encode())]
