"""ListObjectsV2 (continuation tokens, StartAfter, FetchOwner) and ListObjects (markers), over
listing.py. max-keys above 1,000 is 1,000, as S3 caps it; EncodingType=url encodes the keys,
prefixes and markers in the answer (the aws CLI asks for it)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from headwater.s3 import listing
from headwater.s3.context import RequestContext
from headwater.s3.errors import InvalidArgument
from headwater.s3.listing import encoded
from headwater.s3.owners import owner
from headwater.s3.store import StoredObject


def list_objects_v2(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    bucket = ctx.runtime.buckets.owned(ctx.account, request["Bucket"])
    token = request.get("ContinuationToken")
    after = request.get("StartAfter") or ""
    if token is not None:
        after = _token_marker(token)
    encoding = _encoding(request)
    prefix, delimiter = request.get("Prefix") or "", request.get("Delimiter") or ""
    max_keys = _max_keys(request)
    found = listing.page(ctx.runtime.storage.conn, bucket.id, prefix, delimiter, after,
                         max_keys)
    result: dict[str, Any] = {
        "IsTruncated": found.truncated,
        "Contents": [_entry(item, encoding, ctx.account if request.get("FetchOwner") else None)
                     for item in found.objects],
        "Name": bucket.name, "Prefix": encoded(prefix, encoding),
        "MaxKeys": max_keys,
        "CommonPrefixes": [{"Prefix": encoded(p, encoding)} for p in found.prefixes],
        "KeyCount": len(found.objects) + len(found.prefixes),
    }
    if delimiter:
        result["Delimiter"] = encoded(delimiter, encoding)
    if encoding:
        result["EncodingType"] = encoding
    if token is not None:
        result["ContinuationToken"] = token
    if found.truncated:
        result["NextContinuationToken"] = base64.urlsafe_b64encode(
            found.last.encode()).decode()
    if request.get("StartAfter"):
        result["StartAfter"] = encoded(request["StartAfter"], encoding)
    return result


def list_objects(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """Version 1: Marker, and NextMarker only with a delimiter (API reference)."""
    bucket = ctx.runtime.buckets.owned(ctx.account, request["Bucket"])
    encoding = _encoding(request)
    prefix, delimiter = request.get("Prefix") or "", request.get("Delimiter") or ""
    marker = request.get("Marker") or ""
    max_keys = _max_keys(request)
    found = listing.page(ctx.runtime.storage.conn, bucket.id, prefix, delimiter, marker,
                         max_keys)
    result: dict[str, Any] = {
        "IsTruncated": found.truncated, "Marker": encoded(marker, encoding),
        "Contents": [_entry(item, encoding, ctx.account) for item in found.objects],
        "Name": bucket.name, "Prefix": encoded(prefix, encoding), "MaxKeys": max_keys,
        "CommonPrefixes": [{"Prefix": encoded(p, encoding)} for p in found.prefixes],
    }
    if delimiter:
        result["Delimiter"] = encoded(delimiter, encoding)
        if found.truncated:
            result["NextMarker"] = encoded(found.last, encoding)
    if encoding:
        result["EncodingType"] = encoding
    return result


def _entry(item: StoredObject, encoding: str | None, account: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"Key": encoded(item.key, encoding),
                             "LastModified": item.modified, "ETag": item.etag,
                             "Size": item.size, "StorageClass": "STANDARD"}
    if account is not None:
        entry["Owner"] = owner(account)
    return entry


def _encoding(request: dict[str, Any]) -> str | None:
    encoding = request.get("EncodingType")
    if encoding is not None and encoding != "url":
        raise InvalidArgument("Invalid Encoding Method specified in Request",
                              ArgumentName="encoding-type", ArgumentValue=encoding)
    return encoding


def _max_keys(request: dict[str, Any]) -> int:
    value = request.get("MaxKeys", listing.MAX_KEYS)
    if not isinstance(value, int) or value < 0:
        raise InvalidArgument("Provided max-keys not an integer or within integer range",
                              ArgumentName="max-keys", ArgumentValue=str(value))
    return min(value, listing.MAX_KEYS)


def _token_marker(token: str) -> str:
    try:
        return base64.b64decode(token.encode(), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidArgument("The continuation token provided is incorrect",
                              ArgumentName="continuation-token") from None
