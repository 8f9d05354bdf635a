"""AWS query protocol (SNS, and SQS for SDKs older than its JSON protocol): form-encoded
`Action=...` requests decoded into the operation's input shape, validated from the botocore
model, and XML responses and errors encoded from the output shape
(`<XResponse><XResult>...</XResult><ResponseMetadata>...`).

Lists arrive as `Name.member.N`, maps as `Name.entry.N.key` / `.value` (or the map's
locationNames, SNS MessageAttributes use `Name` and `Value`); flattened ones drop the
`member`/`entry` level (`AttributeName.N`, `Attribute.N.Name`), in requests and responses.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from botocore.model import ServiceModel, Shape

from headwater.core.context import RequestContext, Served
from headwater.core.ids import new_uuid
from headwater.core.principal import Principal
from headwater.core.tenancy import Authorize
from headwater.wire.errors import AwsError, InternalServerError
from headwater.wire.models import service_model
from headwater.wire.sigv4 import credential_scope
from headwater.wire.validate import compile_input

log = logging.getLogger("headwater.wire")

Operation = Callable[[RequestContext[Any], dict[str, Any]], Any]
# Query services name some shared errors differently from JSON services.
QUERY_CODES = {"ValidationException": "ValidationError", "InternalServerError": "InternalFailure"}
XML_TYPE = b"text/xml"
FORM_TYPE = "application/x-www-form-urlencoded"
QUEUE_PATH = re.compile(r"/\d{12}/[A-Za-z0-9_.-]{1,80}")


class InvalidAction(AwsError):
    code = "InvalidAction"


class MalformedQueryString(AwsError):
    code = "MalformedQueryString"


def is_query_request(method: str, path: str, headers: dict[str, str], body: bytes | None
                     ) -> bool:
    """A form-encoded POST with an Action (any, when `body` is None: not read yet), to `/` or to
    a queue URL's path."""
    return (method == "POST" and (body is None or b"Action=" in body)
            and headers.get("content-type", FORM_TYPE).startswith(FORM_TYPE)
            and (path == "/" or QUEUE_PATH.fullmatch(path) is not None))


def signing_service(authorization: str | None) -> str:
    """The service in a SigV4 credential scope (`Credential=AKID/date/region/service/...`);
    only routes the request (the caller comes from the verified credential)."""
    return scope_service(credential_scope(authorization))


def scope_service(scope: Sequence[str]) -> str:
    """The service in a credential scope already parsed (sigv4.credential_scope)."""
    return scope[3].strip() if len(scope) >= 5 else ""


class QueryRouter:
    """Query-protocol services on the one port, told apart by the SigV4 signing service, else
    by a queue URL path (SQS), else by which service has the action."""

    def __init__(self, services: dict[str, QueryService]) -> None:
        self.services = services

    async def handle(self, runtime: Served, who: Principal, headers: dict[str, str], path: str,
                     body: bytes) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
        defaults = {}
        if path != "/":
            defaults["QueueUrl"] = f"http://{headers.get('host', 'localhost:4566')}{path}"
        return await self.service_for(headers, path, body).handle(runtime, who, headers, body,
                                                                  defaults)

    def service_for(self, headers: dict[str, str], path: str, body: bytes) -> QueryService:
        """The service a request is for: its signing service, else SQS for a queue URL, else
        the first service that has its action (the first service when none has it)."""
        name = signing_service(headers.get("authorization"))
        if name in self.services:
            return self.services[name]
        if path != "/":
            return self.services["sqs"]
        action = dict(parse_qsl(body.decode("utf-8", "replace"))).get("Action", "")
        return next((service for service in self.services.values()
                     if action in service.operations), next(iter(self.services.values())))


class QueryService:
    def __init__(self, model_name: str, operations: Mapping[str, Operation],
                 model: ServiceModel | None = None, authorize: Authorize | None = None) -> None:
        self.model = model or service_model(model_name)
        self.authorize = authorize  # who may do what (core/tenancy.py), after validation
        self.namespace = self.model.metadata.get("xmlNamespace", "")
        self.operations = operations
        self.validators = {name: compile_input(self.model.operation_model(name).input_shape)
                           for name in operations}

    async def handle(self, runtime: Served, who: Principal, headers: dict[str, str], body: bytes,
                     defaults: dict[str, str] | None = None,
                     ) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
        """(status, body, headers) for one form-encoded request from `who` (its caller);
        `defaults` fill parameters the request leaves out (the QueueUrl of a request sent to
        the queue's URL)."""
        ctx = RequestContext(who.account, who.region, new_uuid(), runtime, headers.get("host", ""),
                             who.access_key, who)
        out_headers = [(b"content-type", XML_TYPE), (b"x-amzn-requestid", ctx.request_id.encode())]
        try:
            params = {**(defaults or {}),
                      **dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))}
        except (UnicodeDecodeError, ValueError):
            malformed = MalformedQueryString("The query string is malformed.")
            return malformed.status, self.error_body(ctx, malformed), out_headers
        action = params.get("Action", "")
        try:
            payload = await self._call(ctx, action, params)
        except AwsError as error:
            return error.status, self.error_body(ctx, error), out_headers
        except Exception:
            log.exception("unhandled error in %s.%s (request %s)", self.model.service_name,
                          action, ctx.request_id)
            failure = InternalServerError("Internal server error")
            return failure.status, self.error_body(ctx, failure), out_headers
        return 200, payload, out_headers

    async def _call(self, ctx: RequestContext[Served], action: str, params: dict[str, str]
                    ) -> bytes:
        operation = self.operations.get(action)
        if operation is None:
            raise InvalidAction(f"The action {action} is not valid for this web service.")
        model = self.model.operation_model(action)
        request = decode(model.input_shape, "", params) if model.input_shape else {}
        self.validators[action](request or {})
        if self.authorize is not None:
            self.authorize(ctx, action, request or {})
        result = operation(ctx, request or {})
        if inspect.isawaitable(result):
            result = await result
        return self.response_body(ctx, action, result)

    def response_body(self, ctx: RequestContext[Served], action: str, result: dict[str, Any]
                      ) -> bytes:
        model = self.model.operation_model(action)
        inner = ""
        if model.output_shape is not None:
            wrapper = model.output_shape.serialization.get("resultWrapper", f"{action}Result")
            inner = f"<{wrapper}>{encode(model.output_shape, result)}</{wrapper}>"
        metadata = f"<ResponseMetadata><RequestId>{ctx.request_id}</RequestId></ResponseMetadata>"
        return (f'<{action}Response xmlns="{self.namespace}">{inner}{metadata}'
                f"</{action}Response>").encode()

    def error_body(self, ctx: RequestContext[Served], error: AwsError) -> bytes:
        fault = "Sender" if error.sender_fault else "Receiver"
        code = getattr(error, "query_error", "") or QUERY_CODES.get(error.code, error.code)
        return (f'<ErrorResponse xmlns="{self.namespace}"><Error><Type>{fault}</Type>'
                f"<Code>{escape(code)}</Code><Message>{escape(error.message)}</Message></Error>"
                f"<RequestId>{ctx.request_id}</RequestId></ErrorResponse>").encode()


def _name(shape: Shape, default: str) -> str:
    return str(shape.serialization.get("name", default))


def decode(shape: Shape, prefix: str, params: dict[str, str]) -> Any:
    """The value of `shape` found under `prefix` in flat query parameters, or None."""
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():
            key = f"{prefix}.{_name(member, name)}" if prefix else _name(member, name)
            value = decode(member, key, params)
            if value is not None:
                out[name] = value
        return out if out or not prefix else None
    if kind == "list":
        member = shape.member
        if shape.serialization.get("flattened"):
            renamed = member.serialization.get("name")
            base = prefix.rpartition(".")[0] + "." + renamed if renamed else prefix
            base = base.lstrip(".")
        else:
            base = f"{prefix}.{_name(member, 'member')}"
        if prefix in params and params[prefix] == "":
            return []
        return _indexed(base, params, lambda key: decode(member, key, params))
    if kind == "map":
        key_shape, value_shape = shape.key, shape.value
        key_name, value_name = _name(key_shape, "key"), _name(value_shape, "value")
        base = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
        entries = _indexed(base, params, lambda key: (
            decode(key_shape, f"{key}.{key_name}", params),
            decode(value_shape, f"{key}.{value_name}", params)))
        if entries is None:
            return None
        # An entry without a value is an empty one, so model checks report what it lacks.
        empty = {} if value_shape.type_name == "structure" else ""
        return {k: empty if v is None else v for k, v in entries if k is not None}
    if prefix not in params:
        return None
    return _scalar(kind, params[prefix])


def _indexed(base: str, params: dict[str, str], read: Callable[[str], Any]) -> list[Any] | None:
    starts = f"{base}."
    if not any(key.startswith(starts) for key in params):
        return None
    items, index = [], 1
    while any(key == f"{base}.{index}" or key.startswith(f"{base}.{index}.") for key in params):
        items.append(read(f"{base}.{index}"))
        index += 1
    return items


def _scalar(kind: str, text: str) -> Any:
    if kind in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            return text
    if kind in ("double", "float"):
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "boolean":
        return text.lower() == "true" if text.lower() in ("true", "false") else text
    return text


def encode(shape: Shape, value: Any) -> str:
    """XML for `value` of `shape` (member elements only; the caller wraps it)."""
    kind = shape.type_name
    if kind == "structure":
        parts = []
        for name, member in shape.members.items():
            if value.get(name) is None:
                continue
            tag = _name(member, name)
            if member.serialization.get("flattened"):
                parts.append(_flattened(member, tag, value[name]))
            else:
                parts.append(f"<{tag}>{encode(member, value[name])}</{tag}>")
        return "".join(parts)
    if kind == "list":
        member = shape.member
        tag = _name(member, "member")
        return "".join(f"<{tag}>{encode(member, item)}</{tag}>" for item in value)
    if kind == "map":
        key_shape, value_shape = shape.key, shape.value
        key_tag, value_tag = _name(key_shape, "key"), _name(value_shape, "value")
        return "".join(
            f"<entry><{key_tag}>{escape(str(k))}</{key_tag}>"
            f"<{value_tag}>{encode(value_shape, v)}</{value_tag}></entry>"
            for k, v in value.items()
        )
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp" and isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return escape(str(value))


def _flattened(shape: Shape, tag: str, value: Any) -> str:
    """A flattened list or map: one element per item, named for the member (or the list)."""
    if shape.type_name == "list":
        member = shape.member
        item_tag = _name(member, tag)
        return "".join(f"<{item_tag}>{encode(member, item)}</{item_tag}>" for item in value)
    key_shape, value_shape = shape.key, shape.value
    key_tag, value_tag = _name(key_shape, "key"), _name(value_shape, "value")
    return "".join(
        f"<{tag}><{key_tag}>{escape(str(k))}</{key_tag}>"
        f"<{value_tag}>{encode(value_shape, v)}</{value_tag}></{tag}>"
        for k, v in value.items()
    )
