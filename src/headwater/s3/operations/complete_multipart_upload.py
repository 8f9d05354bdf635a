"""CompleteMultipartUpload: the listed parts, in ascending order (InvalidPartOrder), each
uploaded with the ETag given (InvalidPart), all but the last at least 5 MiB (EntityTooSmall),
become the object; its ETag is the MD5 of the parts' MD5s and `-N`. Parts not listed are
deleted with the upload. The parts' bytes become the object's without being copied."""

from __future__ import annotations

from typing import Any

from headwater.s3 import etags, store
from headwater.s3.context import RequestContext
from headwater.s3.errors import EntityTooSmall, InvalidPart, InvalidPartOrder, MalformedXML
from headwater.s3.operations.multipart_uploads import owned_upload
from headwater.s3.store import Part, StoredObject
from headwater.wire.rest_xml import MALFORMED

MIN_PART = 5 * 1024 * 1024
INVALID_PART = ("One or more of the specified parts could not be found.  The part may not have "
                "been uploaded, or the specified entity tag may not match the part's entity "
                "tag.")


def complete_multipart_upload(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    bucket = ctx.runtime.buckets.owned(ctx.account, request["Bucket"])
    upload = owned_upload(ctx, bucket, request)
    listed = (request.get("MultipartUpload") or {}).get("Parts") or []
    if not listed or any(not isinstance(p.get("PartNumber"), int) for p in listed):
        raise MalformedXML(MALFORMED)
    numbers = [p["PartNumber"] for p in listed]
    if any(b <= a for a, b in zip(numbers, numbers[1:], strict=False)):
        raise InvalidPartOrder("The list of parts was not in ascending order. The parts list "
                               "must be specified in order by part number.",
                               UploadId=upload.upload_id)
    uploaded = {part.number: part for part in store.parts(ctx.runtime.storage.conn,
                                                          upload.upload_id)}
    chosen: list[Part] = []
    for entry in listed:
        part = uploaded.get(entry["PartNumber"])
        etag = entry.get("ETag")
        if part is None or not etag or etags.normalise(etag) != part.etag:
            raise InvalidPart(INVALID_PART, UploadId=upload.upload_id,
                              PartNumber=entry["PartNumber"], ETag=etag)
        chosen.append(part)
    for part in chosen[:-1]:
        if part.size < MIN_PART:
            raise EntityTooSmall("Your proposed upload is smaller than the minimum allowed size",
                                 ProposedSize=part.size, MinSizeAllowed=MIN_PART,
                                 PartNumber=part.number, ETag=part.etag.strip('"'))
    etag = etags.multipart([part.etag for part in chosen])
    stored = StoredObject(upload.key, sum(part.size for part in chosen), etag,
                          ctx.runtime.clock.now(), [(part.blob, part.size) for part in chosen],
                          len(chosen), upload.headers, upload.metadata)
    with ctx.runtime.storage.transaction() as conn:
        store.put_object(conn, bucket.id, stored)
        store.delete_upload(conn, upload.upload_id, frozenset(part.blob for part in chosen))
    return {"Location": f"http://{ctx.url_host}/{bucket.name}/{upload.key}",
            "Bucket": bucket.name, "Key": upload.key, "ETag": etag}
