"""PutObject: one object of up to 5 GiB, replacing any of the same key; ETag the MD5 of its
bytes. The body arrives decoded from aws-chunked (chunked.py) by the protocol layer."""

from __future__ import annotations

from typing import Any

from headwater.s3 import blobs, etags, object_headers, store
from headwater.s3.context import RequestContext
from headwater.s3.names import check_key
from headwater.s3.payloads import check_body
from headwater.s3.store import StoredObject


def put_object(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    bucket = ctx.runtime.buckets.owned(ctx.account, request["Bucket"])
    key = request["Key"]
    check_key(key)
    data: bytes = request.get("Body") or b""
    checksums = check_body(request, data)
    etag = etags.single(data)
    with ctx.runtime.storage.transaction() as conn:
        blob = blobs.write(conn, data)
        store.put_object(conn, bucket.id, StoredObject(
            key, len(data), etag, ctx.runtime.clock.now(), [(blob, len(data))],
            headers={**object_headers.from_request(request), **checksums},
            metadata=object_headers.metadata(request)))
    return {"ETag": etag, **checksums}
