"""Helpers for the stream-processing control tests (bisect, partial responses, filters,
parallelization, tumbling windows): one handler that can do each, and bulk writes that land
in one shard."""

from __future__ import annotations

import json
from typing import Any

# Appends each event to $OUT. A tumbling-window event gets its state back with `count` (records
# seen in the window) and `invokes` added; otherwise a record with a `poison` attribute makes
# it raise, a first record with `reply` makes it return that JSON ("$SEQ" = that record's
# sequence number, "NONE" = no return value), and records with `bad` are reported as failed.
CONTROLS_HANDLER = '''
import json, os, time

def handler(event, context):
    started = time.time()
    records = event.get("Records") or []
    images = [(r["dynamodb"].get("NewImage") or {}) for r in records]
    delay = float(os.environ.get("SLEEP", "0"))
    if delay:
        time.sleep(delay)
    event["_span"] = [started, time.time()]
    with open(os.environ["OUT"], "a") as out:
        out.write(json.dumps(event) + "\\n")
    if "window" in event:
        state = dict(event["state"] or {})
        state["count"] = state.get("count", 0) + len(records)
        state["invokes"] = state.get("invokes", 0) + 1
        return {"state": state}
    if any("poison" in image for image in images):
        raise RuntimeError("poison record")
    if images and "reply" in images[0]:
        text = images[0]["reply"]["S"]
        if text == "NONE":
            return None
        return json.loads(text.replace("$SEQ", records[0]["dynamodb"]["SequenceNumber"]))
    return {"batchItemFailures": [{"itemIdentifier": r["dynamodb"]["SequenceNumber"]}
                                  for r, image in zip(records, images) if "bad" in image]}
'''


def put_many(ddb: Any, table: str, items: list[dict[str, Any]]) -> None:
    """Write items with BatchWriteItem, 25 at a time, in order."""
    for start in range(0, len(items), 25):
        chunk = [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]
        ddb.batch_write_item(RequestItems={table: chunk})


def sort_keys(event: dict[str, Any]) -> list[str]:
    return [r["dynamodb"]["Keys"]["sk"]["S"] for r in event["Records"]]


def message_bodies(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [json.loads(m["Body"]) for m in messages]
