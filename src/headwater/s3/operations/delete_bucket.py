"""DeleteBucket: only an empty bucket (BucketNotEmpty, 409); its unfinished multipart uploads go
with it. 204 No Content."""

from __future__ import annotations

from typing import Any

from headwater.s3 import store
from headwater.s3.context import RequestContext
from headwater.s3.errors import BucketNotEmpty


def delete_bucket(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    bucket = ctx.runtime.buckets.owned(ctx.account, request["Bucket"])
    storage = ctx.runtime.storage
    if not store.is_empty(storage.conn, bucket.id):
        raise BucketNotEmpty("The bucket you tried to delete is not empty",
                             BucketName=bucket.name)
    with storage.transaction() as conn:
        store.delete_bucket(conn, bucket.id)
    return {}
