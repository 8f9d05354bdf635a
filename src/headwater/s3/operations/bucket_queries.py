"""HeadBucket, GetBucketLocation and ListBuckets: what a caller may learn of buckets."""

from __future__ import annotations

from typing import Any

from headwater.s3 import store
from headwater.s3.context import RequestContext
from headwater.s3.names import US_EAST_1, bucket_arn
from headwater.s3.owners import owner


def head_bucket(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """HEAD: 200 with the bucket's region, 404 or 403 without a body."""
    bucket = ctx.runtime.buckets.owned(ctx.account, request["Bucket"])
    return {"BucketRegion": bucket.region, "BucketArn": bucket_arn(bucket.name),
            "AccessPointAlias": False}


def get_bucket_location(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """The bucket's region; us-east-1 is an empty LocationConstraint (API reference)."""
    bucket = ctx.runtime.buckets.owned(ctx.account, request["Bucket"])
    return {"LocationConstraint": "" if bucket.region == US_EAST_1 else bucket.region}


def list_buckets(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """The caller's buckets, by name. Prefix and BucketRegion filter; MaxBuckets and
    ContinuationToken page (the token is the last name of the previous page)."""
    prefix = request.get("Prefix") or ""
    region = request.get("BucketRegion")
    after = request.get("ContinuationToken") or ""
    limit = request.get("MaxBuckets")
    found = [bucket for bucket in store.buckets(ctx.runtime.storage.conn, ctx.account)
             if bucket.name.startswith(prefix) and bucket.name > after
             and (region is None or bucket.region == region)]
    page = found if not isinstance(limit, int) or limit <= 0 else found[:limit]
    result: dict[str, Any] = {
        "Buckets": [{"Name": bucket.name, "CreationDate": bucket.created,
                     "BucketRegion": bucket.region, "BucketArn": bucket_arn(bucket.name)}
                    for bucket in page],
        "Owner": owner(ctx.account),
    }
    if len(page) < len(found):
        result["ContinuationToken"] = page[-1].name
    if prefix:
        result["Prefix"] = prefix
    return result
