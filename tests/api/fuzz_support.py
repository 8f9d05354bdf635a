"""Hypothesis strategies for tests/api/test_fuzz_requests.py: requests built from an operation's
botocore input shape (mostly plausible values, with names of resources that exist), then broken
at a few places (JSON null, wrong types, empty containers, huge strings, deep nesting, numbers no
Java type holds), and encoded as each protocol sends them: JSON 1.0/1.1, rest-json, query and
rpc-v2-cbor."""

from __future__ import annotations

import base64
import copy
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import orjson
from botocore.model import OperationModel, Shape
from hypothesis import strategies as st

MAX_DEPTH = 4  # structure levels built from the model before members are left out
HUGE = "x" * 300_000


class Raw:
    """JSON text put in place as is (nesting past orjson's 254 levels, numbers past 64 bits)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.marker = f"@@raw-{id(self)}@@"


RAW_VALUES = [
    Raw("[" * 900 + "]" * 900), Raw('{"a":' * 900 + "1" + "}" * 900),
    Raw("[" * 5000 + "]" * 5000), Raw("123456789012345678901234567890"), Raw("1e400"),
    Raw("-0.0000000000000000000000000000000000001"),
]

# Values of the wrong kind for any member.
BAD = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8),
    st.just(""), st.just([]), st.just({}), st.just([None]), st.just({"k": None}),
    st.lists(st.integers(-(2**63), 2**63 - 1), max_size=3), st.dictionaries(st.text(max_size=3), st.text(max_size=3),
                                                         max_size=2),
    st.just(HUGE), st.sampled_from(RAW_VALUES), st.just(["x"] * 2000),
)


@dataclass
class Hints:
    """Realistic values by member name (a table that exists, a queue URL, an expression), so
    requests get past existence checks into the operations."""

    by_name: dict[str, list[Any]]
    # Whole valid requests by operation name, the starting points most worth breaking.
    examples: dict[str, list[dict[str, Any]]]

    def get(self, name: str) -> list[Any] | None:
        return self.by_name.get(name)


def attribute_value(depth: int = 0) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.builds(lambda s: {"S": s}, st.text(max_size=5)),
        st.builds(lambda n: {"N": str(n)}, st.integers(-1000, 1000)),
        st.builds(lambda b: {"B": base64.b64encode(b).decode()}, st.binary(max_size=5)),
        st.builds(lambda b: {"BOOL": b}, st.booleans()),
        st.just({"NULL": True}), st.just({"SS": ["a", "b"]}), st.just({"NS": ["1", "2"]}),
    )
    if depth >= 2:
        return scalars
    inner = attribute_value(depth + 1)
    return st.one_of(scalars, st.builds(lambda v: {"L": v}, st.lists(inner, max_size=2)),
                     st.builds(lambda v: {"M": v}, st.dictionaries(st.text(max_size=3), inner,
                                                                   max_size=2)))


class RequestBuilder:
    """Plausible values of botocore shapes, with `hints` preferred for members they name.

    A focused builder uses only the hints for the members they name and leaves out optional
    members they do not name, so most of its requests pass validation and reach the operation.
    """

    def __init__(self, hints: Hints, binary_blobs: bool = False, focused: bool = False) -> None:
        self.hints = hints
        self.binary_blobs = binary_blobs  # CBOR carries blobs as bytes, JSON as base64 text
        self.focused = focused

    def value(self, shape: Shape, name: str = "", depth: int = 0) -> st.SearchStrategy[Any]:
        hinted = self.hints.get(name)
        if hinted and self.focused:
            return st.sampled_from(hinted)
        generic = self._generic(shape, depth)
        if hinted:
            return st.one_of(st.sampled_from(hinted), generic)
        return generic

    def _generic(self, shape: Shape, depth: int) -> st.SearchStrategy[Any]:
        kind = shape.type_name
        meta = shape.metadata
        if shape.name == "AttributeValue":
            return attribute_value()
        if kind == "structure":
            if depth >= MAX_DEPTH:
                return st.just({})
            required = {n: self.value(m, n, depth + 1) for n, m in shape.members.items()
                        if n in shape.required_members}
            optional = {n: self.value(m, n, depth + 1) for n, m in shape.members.items()
                        if n not in shape.required_members
                        and (not self.focused or self.hints.get(n) or m.type_name == "boolean"
                             or m.metadata.get("enum"))}
            return st.fixed_dictionaries(required, optional=optional)
        if kind == "list":
            if depth >= MAX_DEPTH:
                return st.just([])
            return st.lists(self.value(shape.member, "", depth + 1), max_size=3)
        if kind == "map":
            if depth >= MAX_DEPTH:
                return st.just({})
            return st.dictionaries(self.value(shape.key, "", depth + 1),
                                   self.value(shape.value, "", depth + 1), max_size=3)
        if kind == "string":
            if meta.get("enum"):
                return st.sampled_from(meta["enum"])
            lo = meta.get("min", 0)
            return st.text("abcXYZ019-_.:/", min_size=lo, max_size=max(lo, 12))
        if kind in ("integer", "long"):
            lo, hi = meta.get("min", -5), meta.get("max", 1000)
            return st.integers(int(lo), int(min(hi, lo + 1000)))
        if kind in ("double", "float"):
            return st.floats(0, 1000)
        if kind == "boolean":
            return st.booleans()
        if kind == "timestamp":
            return st.integers(0, 2_000_000_000)
        if kind == "blob":
            data = st.binary(max_size=16)
            return data if self.binary_blobs else data.map(lambda b: base64.b64encode(b).decode())
        return st.none()


def _slots(value: Any, parent: Any = None, key: Any = None) -> list[tuple[Any, Any]]:
    """(container, key) for every place in `value` a mutation can go."""
    found: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            found.append((value, k))
            found.extend(_slots(v, value, k))
    elif isinstance(value, list):
        for index, v in enumerate(value):
            found.append((value, index))
            found.extend(_slots(v, value, index))
    return found


def broken(shape: Shape | None, builders: list[RequestBuilder],
           examples: list[dict[str, Any]] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """A request for `shape` from one of `builders` or `examples`, changed in up to three
    places: a value replaced by a bad one, a member the model names added with a bad value, or
    a null added to a list or map."""
    if shape is None:
        return st.fixed_dictionaries({})
    names = sorted(shape.members)
    sources = [builder.value(shape) for builder in builders]
    if examples:
        sources.append(st.sampled_from(examples))
    plausible = st.one_of(sources)

    @st.composite
    def build(draw: Callable[..., Any]) -> dict[str, Any]:
        # Copies: st.just values are shared between examples, and mutations change them.
        request: dict[str, Any] = copy.deepcopy(draw(plausible))
        for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3]))):
            slots = _slots(request)
            how = draw(st.sampled_from(["replace", "member", "null"]))
            if (how == "member" or not slots) and names:
                request[draw(st.sampled_from(names))] = copy.deepcopy(draw(BAD))
                continue
            if not slots:
                continue
            container, key = slots[draw(st.integers(0, len(slots) - 1))]
            if how == "replace":
                container[key] = copy.deepcopy(draw(BAD))
            elif isinstance(container[key], list):
                container[key].append(None)
            elif isinstance(container[key], dict):
                container[key]["nulled"] = None
            else:
                container[key] = None
        return request

    return build()


# Encoders: from a (possibly broken) request to what each protocol puts on the wire.

def json_body(request: Any) -> bytes:
    raws: list[Raw] = []

    def default(value: Any) -> Any:
        if isinstance(value, Raw):
            raws.append(value)
            return value.marker
        if isinstance(value, bytes):
            return base64.b64encode(value).decode()
        raise TypeError

    text = orjson.dumps(request, default=default).decode()
    for raw in raws:
        text = text.replace(f'"{raw.marker}"', raw.text)
    return text.encode()


def _scalar_text(value: Any) -> str:
    if isinstance(value, Raw):
        return value.text[:200]
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return orjson.dumps(value, default=str).decode()[:200]
    return str(value)


def query_params(shape: Shape, value: Any, prefix: str, out: list[tuple[str, str]]) -> None:
    """Flatten `value` as the query protocol does (`Name.member.N`, `Name.entry.N.key`,
    flattened lists and maps without the extra level); wrong types go as their text."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        for name, item in value.items():
            member = shape.members.get(name)
            key = member.serialization.get("name", name) if member is not None else name
            full = f"{prefix}.{key}" if prefix else key
            if member is None:
                out.append((full, _scalar_text(item)))
            elif member.type_name == "list" and member.serialization.get("flattened"):
                for index, element in enumerate(_as_list(item), start=1):
                    query_params(member.member, element, f"{full}.{index}", out)
            else:
                query_params(member, item, full, out)
    elif kind == "list" and isinstance(value, list):
        if not value:
            out.append((prefix, ""))
        tag = shape.member.serialization.get("name", "member")
        for index, element in enumerate(value, start=1):
            query_params(shape.member, element, f"{prefix}.{tag}.{index}", out)
    elif kind == "map" and isinstance(value, dict):
        base = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
        key_tag = shape.key.serialization.get("name", "key")
        value_tag = shape.value.serialization.get("name", "value")
        for index, (k, v) in enumerate(value.items(), start=1):
            out.append((f"{base}.{index}.{key_tag}", str(k)))
            query_params(shape.value, v, f"{base}.{index}.{value_tag}", out)
    elif prefix:
        out.append((prefix, _scalar_text(value)))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def query_body(action: str, version: str, shape: Shape | None, request: dict[str, Any]) -> bytes:
    params: list[tuple[str, str]] = [("Action", action), ("Version", version)]
    if shape is not None:
        query_params(shape, request, "", params)
    return urlencode(params).encode()


def cbor(value: Any) -> bytes:
    """Enough of CBOR (RFC 8949) for any JSON-like value, bytes and Raw nesting."""
    if isinstance(value, Raw):
        if value.text.startswith("["):
            depth = value.text.count("[")
            return b"\x81" * (depth - 1) + b"\x80"
        return cbor(value.text)
    if value is None:
        return b"\xf6"
    if value is True:
        return b"\xf5"
    if value is False:
        return b"\xf4"
    if isinstance(value, int):
        if value >= 0:
            return _head(0, value)
        return _head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode()
        return _head(3, len(data)) + data
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(cbor(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(cbor(str(k)) + cbor(v) for k, v in value.items())
    return cbor(str(value))


def _head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if length < 1 << (8 * size):
            return bytes([major << 5 | extra]) + length.to_bytes(size, "big")
    raise ValueError(length)


@dataclass
class RestRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


def rest_request(operation: OperationModel, request: dict[str, Any]) -> RestRequest:
    """A rest-json request: URI, query string and header members where the model puts them,
    a payload member as the raw body, the rest as a JSON body."""
    shape = operation.input_shape
    uri = operation.http["requestUri"]
    path, _, fixed_query = uri.partition("?")
    query: list[tuple[str, str]] = [tuple(part.split("=", 1)) if "=" in part else (part, "")
                                    for part in fixed_query.split("&") if part]  # type: ignore[misc]
    headers: dict[str, str] = {}
    body_members: dict[str, Any] = {}
    body = b""
    payload = shape.serialization.get("payload") if shape is not None else None
    members = shape.members if shape is not None else {}
    for name, value in request.items():
        member = members.get(name)
        where = member.serialization.get("location") if member is not None else None
        key = member.serialization.get("name", name) if member is not None else name
        if name == payload:
            body = value if isinstance(value, bytes) else json_body(value)
        elif where == "uri":
            text = quote(_scalar_text(value)[:300], safe="")
            path = path.replace("{" + key + "}", text).replace("{" + key + "+}", text)
        elif where == "querystring":
            for element in _as_list(value):
                query.append((key, _scalar_text(element)[:300]))
        elif where == "header":
            headers[key] = "".join(c for c in _scalar_text(value)[:300] if " " <= c <= "~")
        else:
            body_members[name] = value
    for leftover in [part for part in path.split("/") if part.startswith("{")]:
        path = path.replace(leftover, "")
    if payload is None and body_members:
        body = json_body(body_members)
    if query:
        path += "?" + urlencode(query)
    headers["Content-Type"] = "application/json"
    return RestRequest(operation.http["method"], path, headers, body)
