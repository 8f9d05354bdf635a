"""CreateMultipartUpload, UploadPart, AbortMultipartUpload: an upload holds its parts (1 to
10,000, each up to 5 GiB, a part of the same number replaced) until it is completed
(complete_multipart_upload.py) or aborted."""

from __future__ import annotations

import secrets
from typing import Any

from headwater.s3 import blobs, etags, object_headers, store
from headwater.s3.context import RequestContext
from headwater.s3.errors import InvalidArgument, no_such_upload
from headwater.s3.names import check_key
from headwater.s3.payloads import check_body
from headwater.s3.store import Bucket, Part, Upload

MAX_PART_NUMBER = 10_000


def create_multipart_upload(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    bucket = ctx.runtime.buckets.owned(ctx.account, request["Bucket"])
    key = request["Key"]
    check_key(key)
    upload = Upload(secrets.token_urlsafe(48), bucket.id, key, ctx.runtime.clock.now(),
                    object_headers.from_request(request), object_headers.metadata(request))
    with ctx.runtime.storage.transaction() as conn:
        store.add_upload(conn, upload)
    return {"Bucket": bucket.name, "Key": key, "UploadId": upload.upload_id}


def upload_part(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    bucket = ctx.runtime.buckets.owned(ctx.account, request["Bucket"])
    number = request.get("PartNumber")
    if not isinstance(number, int) or not 1 <= number <= MAX_PART_NUMBER:
        raise InvalidArgument("Part number must be an integer between 1 and 10000, inclusive",
                              ArgumentName="partNumber", ArgumentValue=str(number))
    upload = owned_upload(ctx, bucket, request)
    data: bytes = request.get("Body") or b""
    checksums = check_body(request, data)
    etag = etags.single(data)
    with ctx.runtime.storage.transaction() as conn:
        blob = blobs.write(conn, data)
        store.put_part(conn, upload.upload_id,
                       Part(number, blob, len(data), etag, ctx.runtime.clock.now()))
    return {"ETag": etag, **checksums}


def abort_multipart_upload(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    bucket = ctx.runtime.buckets.owned(ctx.account, request["Bucket"])
    upload = owned_upload(ctx, bucket, request)
    with ctx.runtime.storage.transaction() as conn:
        store.delete_upload(conn, upload.upload_id)
    return {}


def owned_upload(ctx: RequestContext, bucket: Bucket, request: dict[str, Any]) -> Upload:
    """The upload UploadId names, of this bucket and key (NoSuchUpload otherwise)."""
    upload_id = str(request.get("UploadId") or "")
    upload = store.get_upload(ctx.runtime.storage.conn, upload_id)
    if upload is None or upload.bucket_id != bucket.id or upload.key != request.get("Key"):
        raise no_such_upload(upload_id)
    return upload
