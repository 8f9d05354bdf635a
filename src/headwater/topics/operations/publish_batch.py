"""PublishBatch: up to 10 messages, each checked and delivered as Publish does, in one
transaction."""

from __future__ import annotations

import re
from typing import Any

from headwater.topics.context import RequestContext
from headwater.topics.errors import (
    BatchEntryIdsNotDistinct,
    BatchRequestTooLong,
    EmptyBatchRequest,
    InvalidBatchEntryId,
    TooManyEntriesInBatchRequest,
)
from headwater.topics.operations.publish import MAX_MESSAGE, check_message
from headwater.wire.errors import AwsError

ENTRY_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")
MAX_ENTRIES = 10


def publish_batch(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """PublishBatch."""
    topics = ctx.runtime.topics
    topic = topics.get(request["TopicArn"])
    entries = request["PublishBatchRequestEntries"]
    _check_entries(entries)
    successful: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    with ctx.runtime.storage.transaction():
        for entry in entries:
            try:
                content, subject, attributes = check_message(entry)
            except AwsError as error:
                failed.append({"Id": entry["Id"], "Code": error.code, "Message": error.message,
                               "SenderFault": error.sender_fault})
                continue
            message_id = topics.deliver(topic, content, subject, attributes)
            successful.append({"Id": entry["Id"], "MessageId": message_id})
    return {"Successful": successful, "Failed": failed}


def _check_entries(entries: list[dict[str, Any]]) -> None:
    if not entries:
        raise EmptyBatchRequest("The batch request doesn't contain any entries.")
    if len(entries) > MAX_ENTRIES:
        raise TooManyEntriesInBatchRequest(
            "The batch request contains more entries than permissible.")
    ids = [entry["Id"] for entry in entries]
    if any(not ENTRY_ID.fullmatch(entry_id) for entry_id in ids):
        raise InvalidBatchEntryId("The Id of a batch entry in a batch request doesn't abide by "
                                  "the specification.")
    if len(set(ids)) != len(ids):
        raise BatchEntryIdsNotDistinct("Two or more batch entries in the request have the same "
                                       "Id.")
    if sum(len(entry["Message"].encode()) for entry in entries) > MAX_MESSAGE:
        raise BatchRequestTooLong("The length of all the messages put together is more than "
                                  "the limit.")
