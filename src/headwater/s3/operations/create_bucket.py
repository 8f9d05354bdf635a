"""CreateBucket: a bucket in the region the LocationConstraint names (names.bucket_region).
S3's names are shared by every account: another account's name is BucketAlreadyExists, the
caller's own BucketAlreadyOwnedByYou, except in us-east-1 where, for legacy compatibility, S3
answers 200 (CreateBucket API reference, "Errors")."""

from __future__ import annotations

from typing import Any

from headwater.s3 import store
from headwater.s3.context import RequestContext
from headwater.s3.errors import BucketAlreadyExists, BucketAlreadyOwnedByYou
from headwater.s3.names import US_EAST_1, bucket_arn, bucket_region, check_bucket_name


def create_bucket(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    name = request["Bucket"]
    check_bucket_name(name)
    config = request.get("CreateBucketConfiguration") or {}
    region = bucket_region(ctx.region, config.get("LocationConstraint") or None)
    storage = ctx.runtime.storage
    existing = store.bucket(storage.conn, name)
    if existing is not None:
        if existing.account != ctx.account:
            raise BucketAlreadyExists(
                "The requested bucket name is not available. The bucket namespace is shared by "
                "all users of the system. Please select a different name and try again.",
                BucketName=name)
        if existing.region != US_EAST_1:
            raise BucketAlreadyOwnedByYou(
                "Your previous request to create the named bucket succeeded and you already "
                "own it.", BucketName=name)
    else:
        with storage.transaction() as conn:
            store.add_bucket(conn, name, ctx.account, region, ctx.runtime.clock.now())
    location = f"/{name}" if region == US_EAST_1 else f"http://{name}.s3.amazonaws.com/"
    return {"Location": location, "BucketArn": bucket_arn(name)}
