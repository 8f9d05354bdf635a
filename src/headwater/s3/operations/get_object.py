"""GetObject and HeadObject: the object's bytes (a Range of them: 206 with Content-Range) and
its headers; conditional requests (If-Match and If-Unmodified-Since: 412 PreconditionFailed;
If-None-Match and If-Modified-Since: 304), and the response-* query overrides of GetObject."""

from __future__ import annotations

from typing import Any

from headwater.s3 import blobs
from headwater.s3.context import RequestContext
from headwater.s3.errors import NotModified, PreconditionFailed
from headwater.s3.etags import normalise
from headwater.s3.ranges import byte_range
from headwater.s3.store import StoredObject

OVERRIDES = {"ResponseCacheControl": "CacheControl",
             "ResponseContentDisposition": "ContentDisposition",
             "ResponseContentEncoding": "ContentEncoding",
             "ResponseContentLanguage": "ContentLanguage",
             "ResponseContentType": "ContentType", "ResponseExpires": "Expires"}


def get_object(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    _, found = ctx.runtime.buckets.stored(ctx.account, request["Bucket"], request["Key"])
    result = _described(request, found)
    span = byte_range(request.get("Range"), found.size)
    if span is None:
        result["Body"] = blobs.read(ctx.runtime.storage.conn, found.segments)
    else:
        first, last = span
        # A part of the object has no whole-object checksum to check (S3 sends none).
        result = {name: value for name, value in result.items()
                  if not name.startswith("Checksum")}
        result["Body"] = blobs.read(ctx.runtime.storage.conn, found.segments, first, last + 1)
        result["ContentRange"] = f"bytes {first}-{last}/{found.size}"
    for member, header in OVERRIDES.items():
        if request.get(member) is not None:
            result[header] = request[member]
    return result


def head_object(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    _, found = ctx.runtime.buckets.stored(ctx.account, request["Bucket"], request["Key"])
    result = _described(request, found)
    span = byte_range(request.get("Range"), found.size)
    result["ContentLength"] = found.size
    if span is not None:
        result["ContentLength"] = span[1] - span[0] + 1
        result["ContentRange"] = f"bytes {span[0]}-{span[1]}/{found.size}"
    return result


def _described(request: dict[str, Any], found: StoredObject) -> dict[str, Any]:
    _check_conditions(request, found)
    result: dict[str, Any] = {
        "AcceptRanges": "bytes", "LastModified": found.modified, "ETag": found.etag,
        **{name: value for name, value in found.headers.items()
           if not name.startswith("Checksum") or request.get("ChecksumMode") == "ENABLED"},
    }
    if found.metadata:
        result["Metadata"] = found.metadata
    if found.parts and request.get("PartNumber") is not None:
        result["PartsCount"] = found.parts
    return result


def _check_conditions(request: dict[str, Any], found: StoredObject) -> None:
    """RFC 7232 order, as S3 applies it: If-Match, then If-Unmodified-Since (ignored when
    If-Match is there), If-None-Match, then If-Modified-Since (ignored likewise)."""
    modified = int(found.modified)  # HTTP dates have whole seconds
    if_match = request.get("IfMatch")
    if if_match is not None:
        if not _matches(if_match, found.etag):
            raise PreconditionFailed("At least one of the pre-conditions you specified did not "
                                     "hold", Condition="If-Match")
    elif isinstance(request.get("IfUnmodifiedSince"), float) \
            and modified > request["IfUnmodifiedSince"]:
        raise PreconditionFailed("At least one of the pre-conditions you specified did not "
                                 "hold", Condition="If-Unmodified-Since")
    if_none = request.get("IfNoneMatch")
    if if_none is not None:
        if _matches(if_none, found.etag):
            raise NotModified("Not Modified")
    elif isinstance(request.get("IfModifiedSince"), float) \
            and modified <= request["IfModifiedSince"]:
        raise NotModified("Not Modified")


def _matches(header: str, etag: str) -> bool:
    return any(tag.strip() == "*" or normalise(tag) == etag for tag in header.split(","))
