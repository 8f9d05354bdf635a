"""GetBucketVersioning: Headwater's buckets are never versioned, which S3 reports as an empty
VersioningConfiguration (API reference: no Status until versioning was once enabled)."""

from __future__ import annotations

from typing import Any

from headwater.s3.context import RequestContext


def get_bucket_versioning(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    ctx.runtime.buckets.owned(ctx.account, request["Bucket"])
    return {}
