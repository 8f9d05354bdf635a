"""DeleteBucket: only an empty bucket (BucketNotEmpty, 409); its unfinished multipart uploads go
with it (buckets.py). 204 No Content."""

from __future__ import annotations

from typing import Any

from headwater.s3.context import RequestContext


def delete_bucket(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    ctx.runtime.buckets.delete(ctx.account, request["Bucket"])
    return {}
