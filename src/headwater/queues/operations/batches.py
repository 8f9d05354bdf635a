"""What the batch operations share: 1 to 10 entries with distinct, well-formed ids, each
answered on its own in Successful or Failed."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from headwater.queues.errors import (
    BatchEntryIdsNotDistinct,
    EmptyBatchRequest,
    InvalidBatchEntryId,
    SqsError,
    TooManyEntriesInBatchRequest,
)

ENTRY_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")
MAX_ENTRIES = 10


def check_entries(entries: list[dict[str, Any]]) -> None:
    if not entries:
        raise EmptyBatchRequest("There should be at least one SendMessageBatchRequestEntry in "
                                "the request.")
    if len(entries) > MAX_ENTRIES:
        raise TooManyEntriesInBatchRequest(
            f"Maximum number of entries per request are {MAX_ENTRIES}. You have sent "
            f"{len(entries)}."
        )
    seen: set[str] = set()
    for entry in entries:
        entry_id = entry["Id"]
        if not ENTRY_ID.fullmatch(entry_id):
            raise InvalidBatchEntryId(
                "A batch entry id can only contain alphanumeric characters, hyphens and "
                "underscores. It can be at most 80 letters long."
            )
        if entry_id in seen:
            raise BatchEntryIdsNotDistinct(f"Id {entry_id} repeated.")
        seen.add(entry_id)


def failure(entry_id: str, error: SqsError) -> dict[str, Any]:
    return {"Id": entry_id, "SenderFault": error.sender_fault, "Code": error.code,
            "Message": error.message}


def run_entries(entries: list[dict[str, Any]],
                action: Callable[[dict[str, Any]], dict[str, Any] | None]) -> dict[str, Any]:
    """Apply `action` to each entry; an SqsError fails that entry alone. `action` returns the
    extra members of the entry's Successful item."""
    successful: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for entry in entries:
        try:
            extra = action(entry)
        except SqsError as error:
            failed.append(failure(entry["Id"], error))
        else:
            successful.append({"Id": entry["Id"], **(extra or {})})
    return {"Successful": successful, "Failed": failed}
