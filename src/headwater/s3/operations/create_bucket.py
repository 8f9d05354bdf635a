"""CreateBucket: a bucket in the region the LocationConstraint names (names.bucket_region).
S3's names are shared by every account: another account's name is BucketAlreadyExists, the
caller's own BucketAlreadyOwnedByYou, except in us-east-1 where, for legacy compatibility, S3
answers 200 (CreateBucket API reference, "Errors"). The rules live in buckets.py, which
CloudFormation's AWS::S3::Bucket uses too."""

from __future__ import annotations

from typing import Any

from headwater.s3.context import RequestContext
from headwater.s3.names import US_EAST_1, bucket_arn


def create_bucket(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    config = request.get("CreateBucketConfiguration") or {}
    bucket = ctx.runtime.buckets.create(ctx.account, ctx.region, request["Bucket"],
                                        config.get("LocationConstraint"))
    name = bucket.name
    location = f"/{name}" if bucket.region == US_EAST_1 else f"http://{name}.s3.amazonaws.com/"
    return {"Location": location, "BucketArn": bucket_arn(name)}
