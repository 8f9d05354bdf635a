"""Which bucket and key a request names: virtual-hosted style (`BUCKET.s3.localhost`,
`BUCKET.localhost`, `BUCKET.s3[.REGION].amazonaws.com` in the Host header, as boto3 sends it
for a DNS-compatible bucket and an endpoint that is a host name) or path style (`/BUCKET/KEY`,
for an IP address endpoint or addressing_style path)."""

from __future__ import annotations

import re

_AWS_HOST = re.compile(r"(?P<bucket>.+)\.s3([.-][a-z0-9-]+)?\.amazonaws\.com")
LOCAL_SUFFIX = ".localhost"


def virtual_bucket(host: str) -> str | None:
    """The bucket a Host header names, or None for a path-style request."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.lower()
    if name.endswith(LOCAL_SUFFIX):
        bucket = name[:-len(LOCAL_SUFFIX)]
        if bucket.endswith(".s3"):
            bucket = bucket[:-3]
        return bucket if bucket and bucket != "s3" else None
    match = _AWS_HOST.fullmatch(name)
    return match["bucket"] if match else None


def locate(host: str, path: str) -> tuple[str, str]:
    """(bucket, key) of a request; "" when it names none (ListBuckets, a bucket operation)."""
    bucket = virtual_bucket(host)
    if bucket is not None:
        return bucket, path[1:] if path.startswith("/") else path
    bucket, _, key = path.lstrip("/").partition("/") if path.startswith("/") else ("", "", "")
    return bucket, key


def is_s3_request(signing_name: str, host: str, query: str) -> bool:
    """Whether a request is for S3: signed for it (Authorization header or presigned query),
    or, unsigned, addressed to a virtual-hosted bucket."""
    if signing_name:
        return signing_name == "s3"
    return ("%2Fs3%2Faws4_request" in query or "/s3/aws4_request" in query
            or virtual_bucket(host) is not None)
