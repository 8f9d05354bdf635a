"""DeleteObject (204, also for a key that does not exist) and DeleteObjects (up to 1,000 keys;
each deleted key listed unless Quiet; MalformedXML for none or more than 1,000)."""

from __future__ import annotations

from typing import Any

from headwater.s3 import store
from headwater.s3.context import RequestContext
from headwater.s3.errors import MalformedXML
from headwater.wire.rest_xml import MALFORMED

MAX_KEYS = 1000


def delete_object(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    bucket = ctx.runtime.buckets.owned(ctx.account, request["Bucket"])
    with ctx.runtime.storage.transaction() as conn:
        store.delete_object(conn, bucket.id, request["Key"])
    return {}


def delete_objects(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    bucket = ctx.runtime.buckets.owned(ctx.account, request["Bucket"])
    delete = request.get("Delete") or {}
    objects = delete.get("Objects") or []
    if not objects or len(objects) > MAX_KEYS or any(not entry.get("Key") for entry in objects):
        raise MalformedXML(MALFORMED)
    deleted = []
    with ctx.runtime.storage.transaction() as conn:
        for entry in objects:
            store.delete_object(conn, bucket.id, entry["Key"])
            deleted.append({"Key": entry["Key"]})
    return {"Deleted": [] if delete.get("Quiet") else deleted}
