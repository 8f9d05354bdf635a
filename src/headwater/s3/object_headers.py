"""The representation headers S3 keeps with an object and sends back on GET and HEAD
(Content-Type, Cache-Control, Content-Disposition, Content-Encoding, Content-Language,
Expires), and the user metadata (x-amz-meta-*). `aws-chunked` is a transfer detail, not the
object's encoding: S3 drops it from Content-Encoding."""

from __future__ import annotations

from typing import Any

DEFAULT_TYPE = "binary/octet-stream"  # what S3 stores when the PUT names none
KEPT = ("ContentType", "CacheControl", "ContentDisposition", "ContentEncoding",
        "ContentLanguage", "Expires")


def from_request(request: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {name: request[name] for name in KEPT
                            if request.get(name) is not None}
    encoding = ",".join(part.strip() for part in str(kept.get("ContentEncoding", "")).split(",")
                        if part.strip() and part.strip() != "aws-chunked")
    if encoding:
        kept["ContentEncoding"] = encoding
    else:
        kept.pop("ContentEncoding", None)
    kept.setdefault("ContentType", DEFAULT_TYPE)
    return kept


def metadata(request: dict[str, Any]) -> dict[str, str]:
    found = request.get("Metadata") or {}
    return {str(name).lower(): str(value) for name, value in found.items()}
