"""CopyObject: an object of the caller's copied to a key of the caller's (x-amz-copy-source
`BUCKET/KEY`, URL-encoded), with its metadata (MetadataDirective COPY) or the request's
(REPLACE). Copying an object onto itself needs REPLACE (InvalidRequest)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from headwater.s3 import blobs, etags, object_headers, store
from headwater.s3.context import RequestContext
from headwater.s3.errors import InvalidArgument, InvalidRequest
from headwater.s3.names import check_key
from headwater.s3.store import StoredObject

SELF_COPY = ("This copy request is illegal because it is trying to copy an object to itself "
             "without changing the object's metadata, storage class, website redirect location "
             "or encryption attributes.")


def copy_object(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    source = unquote(str(request.get("CopySource") or "")).split("?", 1)[0].lstrip("/")
    source_bucket, _, source_key = source.partition("/")
    if not source_bucket or not source_key:
        raise InvalidArgument("Copy Source must mention the source bucket and key: "
                              "sourcebucket/sourcekey", ArgumentName="x-amz-copy-source",
                              ArgumentValue=str(request.get("CopySource")))
    buckets = ctx.runtime.buckets
    target = buckets.owned(ctx.account, request["Bucket"])
    key = request["Key"]
    check_key(key)
    _, found = buckets.stored(ctx.account, source_bucket, source_key)
    replace = request.get("MetadataDirective") == "REPLACE"
    if source_bucket == target.name and source_key == key and not replace:
        raise InvalidRequest(SELF_COPY)
    headers = object_headers.from_request(request) if replace else found.headers
    metadata = object_headers.metadata(request) if replace else found.metadata
    now = ctx.runtime.clock.now()
    with ctx.runtime.storage.transaction() as conn:
        data = blobs.read(conn, found.segments)
        blob = blobs.write(conn, data)
        store.put_object(conn, target.id, StoredObject(
            key, found.size, found.etag if not found.parts else etags.single(data), now,
            [(blob, len(data))], headers=headers, metadata=metadata))
    stored = store.get_object(ctx.runtime.storage.conn, target.id, key)
    assert stored is not None
    return {"CopyObjectResult": {"ETag": stored.etag, "LastModified": now}}

