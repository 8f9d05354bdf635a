"""AWS rest-xml protocol (S3): request members read from URI, query string, headers and an XML
or raw payload by botocore's input shape; response members written to headers and an XML
document by the output shape; errors as S3's `<Error>` document (S3 API reference, "Error
responses": Code, Message, the error's own members, RequestId, HostId).

Routing is the service's: S3 chooses an operation by method and query subresource, which the
model's request URIs do not state completely (s3/routes.py)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from botocore.model import ListShape, MapShape, Shape, StructureShape

from headwater.wire.errors import AwsError

S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


class MalformedXML(AwsError):
    code = "MalformedXML"
    status = 400


class InvalidArgument(AwsError):
    code = "InvalidArgument"
    status = 400


MALFORMED = ("The XML you provided was not well-formed or did not validate against our "
             "published schema")


# -- requests ----------------------------------------------------------------------------------

def query_pairs(query: str) -> dict[str, str]:
    """The query string's parameters (a name without `=` has the value "")."""
    return dict(parse_qsl(query, keep_blank_values=True)) if query else {}


def decode_members(shape: StructureShape | None, params: Mapping[str, str],
                   query: Mapping[str, str], headers: Mapping[str, str]) -> dict[str, Any]:
    """The request members found in the URI (`params`), query string and headers."""
    request: dict[str, Any] = {}
    if shape is None:
        return request
    for name, member in shape.members.items():
        where = member.serialization.get("location")
        key = member.serialization.get("name", name)
        if where == "uri" and key in params:
            request[name] = params[key]
        elif where == "querystring" and key in query:
            request[name] = _scalar(member, query[key], key)
        elif where == "header" and key.lower() in headers:
            request[name] = _scalar(member, headers[key.lower()], key)
        elif where == "headers":
            prefix = key.lower()
            found = {header[len(prefix):]: value for header, value in headers.items()
                     if header.startswith(prefix)}
            if found:
                request[name] = found
    return request


def _scalar(shape: Shape, raw: str, name: str) -> Any:
    kind = shape.type_name
    if kind in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            raise InvalidArgument(f"Provided {name} not an integer or within integer range",
                                  ArgumentName=name, ArgumentValue=raw) from None
    if kind == "boolean":
        return raw.lower() == "true"
    if kind == "timestamp":
        return parse_timestamp(raw)
    if kind == "list":
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def parse_timestamp(raw: str) -> float | None:
    """Epoch seconds of an HTTP date or ISO 8601 text; None when it is neither (AWS ignores
    a conditional header it cannot read)."""
    try:
        return parsedate_to_datetime(raw).timestamp()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def decode_document(shape: Shape, body: bytes) -> Any:
    """An XML request payload as the member value `shape` describes; MalformedXML when it is
    not well formed or does not fit the shape."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        raise MalformedXML(MALFORMED) from None
    return _from_element(shape, root)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _from_element(shape: Shape, element: ElementTree.Element) -> Any:
    if isinstance(shape, StructureShape):
        out: dict[str, Any] = {}
        children = list(element)
        for name, member in shape.members.items():
            if member.serialization.get("location"):
                continue
            key = member.serialization.get("name", name)
            if isinstance(member, ListShape) and member.serialization.get("flattened"):
                found = [child for child in children if _local(child.tag) == key]
                if found:
                    out[name] = [_from_element(member.member, child) for child in found]
                continue
            for child in children:
                if _local(child.tag) == key:
                    out[name] = _from_element(member, child)
                    break
        return out
    if isinstance(shape, ListShape):
        return [_from_element(shape.member, child) for child in element]
    text = element.text or ""
    if shape.type_name in ("integer", "long"):
        try:
            return int(text.strip())
        except ValueError:
            raise MalformedXML(MALFORMED) from None
    if shape.type_name == "boolean":
        if text.strip() not in ("true", "false"):
            raise MalformedXML(MALFORMED)
        return text.strip() == "true"
    return text


# -- responses ---------------------------------------------------------------------------------

def http_date(moment: float) -> str:
    """RFC 7231 date (Last-Modified, Expires)."""
    return format_datetime(datetime.fromtimestamp(moment, UTC), usegmt=True)


def iso_date(moment: float) -> str:
    stamp = datetime.fromtimestamp(moment, UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def header_text(shape: Shape, value: Any) -> str:
    if shape.type_name == "timestamp":
        return http_date(float(value))
    if shape.type_name == "boolean":
        return "true" if value else "false"
    return str(value)


def encode_headers(shape: StructureShape | None, result: Mapping[str, Any]
                   ) -> list[tuple[bytes, bytes]]:
    """The header members of a response (Metadata as `x-amz-meta-` headers)."""
    out: list[tuple[bytes, bytes]] = []
    if shape is None:
        return out
    for name, member in shape.members.items():
        if name not in result or result[name] is None:
            continue
        where = member.serialization.get("location")
        key = member.serialization.get("name", name)
        if where == "header":
            out.append((key.encode(), _latin(header_text(member, result[name]))))
        elif where == "headers":
            for suffix, value in result[name].items():
                out.append((f"{key}{suffix}".encode(), _latin(str(value))))
    return out


def _latin(text: str) -> bytes:
    return text.encode("latin-1", errors="replace")


def encode_document(shape: StructureShape, result: Mapping[str, Any], root: str) -> bytes:
    """The body members of a response as an XML document whose root element is `root`."""
    inner = _members(shape, result)
    return (f'{XML_DECLARATION}<{root} xmlns="{S3_NAMESPACE}">{inner}</{root}>').encode()


def _members(shape: StructureShape, value: Mapping[str, Any]) -> str:
    parts: list[str] = []
    for name, member in shape.members.items():
        if name not in value or value[name] is None or member.serialization.get("location"):
            continue
        key = member.serialization.get("name", name)
        item = value[name]
        if isinstance(member, ListShape):
            element = member.member.serialization.get("name", "member")
            if member.serialization.get("flattened"):
                parts.extend(_element(key, member.member, entry) for entry in item)
            else:
                inner = "".join(_element(element, member.member, entry) for entry in item)
                parts.append(f"<{key}>{inner}</{key}>")
        else:
            parts.append(_element(key, member, item))
    return "".join(parts)


def _element(key: str, shape: Shape, value: Any) -> str:
    if isinstance(shape, StructureShape):
        return f"<{key}>{_members(shape, value)}</{key}>"
    if isinstance(shape, MapShape):
        raise TypeError("maps are not written in rest-xml bodies")
    if shape.type_name == "timestamp":
        text = iso_date(float(value))
    elif shape.type_name == "boolean":
        text = "true" if value else "false"
    elif shape.type_name == "blob":
        text = base64.b64encode(value).decode()
    else:
        text = escape(str(value))
    return f"<{key}>{text}</{key}>"


def error_document(error: AwsError, request_id: str, host_id: str) -> bytes:
    """S3's error body: Code, Message, the error's members, RequestId, HostId."""
    members = "".join(f"<{name}>{escape(str(value))}</{name}>"
                      for name, value in error.members.items() if value is not None)
    return (f"{XML_DECLARATION}<Error><Code>{error.code}</Code>"
            f"<Message>{escape(error.message)}</Message>{members}"
            f"<RequestId>{request_id}</RequestId><HostId>{host_id}</HostId></Error>").encode()
