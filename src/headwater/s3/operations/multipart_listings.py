"""ListParts (max-parts, part-number-marker) and ListMultipartUploads (the bucket's unfinished
uploads by key, then initiation; prefix, key-marker, max-uploads)."""

from __future__ import annotations

from typing import Any

from headwater.s3 import store
from headwater.s3.context import RequestContext
from headwater.s3.operations.multipart_uploads import owned_upload
from headwater.s3.owners import owner

MAX_ENTRIES = 1000


def list_parts(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    bucket = ctx.runtime.buckets.owned(ctx.account, request["Bucket"])
    upload = owned_upload(ctx, bucket, request)
    marker = request.get("PartNumberMarker") or 0
    limit = _limit(request.get("MaxParts"))
    after = [part for part in store.parts(ctx.runtime.storage.conn, upload.upload_id)
             if part.number > marker]
    page = after[:limit]
    result: dict[str, Any] = {
        "Bucket": bucket.name, "Key": upload.key, "UploadId": upload.upload_id,
        "PartNumberMarker": marker, "MaxParts": limit, "IsTruncated": len(after) > limit,
        "Parts": [{"PartNumber": part.number, "LastModified": part.modified,
                   "ETag": part.etag, "Size": part.size} for part in page],
        "Initiator": owner(ctx.account), "Owner": owner(ctx.account),
        "StorageClass": "STANDARD",
    }
    if page:
        result["NextPartNumberMarker"] = page[-1].number
    return result


def list_multipart_uploads(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    bucket = ctx.runtime.buckets.owned(ctx.account, request["Bucket"])
    prefix = request.get("Prefix") or ""
    marker = request.get("KeyMarker") or ""
    limit = _limit(request.get("MaxUploads"))
    after = [upload for upload in store.uploads(ctx.runtime.storage.conn, bucket.id, prefix)
             if upload.key > marker]
    page = after[:limit]
    result: dict[str, Any] = {
        "Bucket": bucket.name, "KeyMarker": marker, "UploadIdMarker": "",
        "Prefix": prefix, "MaxUploads": limit, "IsTruncated": len(after) > limit,
        "Uploads": [{"UploadId": upload.upload_id, "Key": upload.key,
                     "Initiated": upload.initiated, "StorageClass": "STANDARD",
                     "Owner": owner(ctx.account), "Initiator": owner(ctx.account)}
                    for upload in page],
    }
    if len(after) > limit:
        result["NextKeyMarker"] = page[-1].key
        result["NextUploadIdMarker"] = page[-1].upload_id
    return result


def _limit(value: object) -> int:
    return value if isinstance(value, int) and 0 <= value <= MAX_ENTRIES else MAX_ENTRIES
