"""StartMessageMoveTask, ListMessageMoveTasks and CancelMessageMoveTask: dead-letter queue
redrive. Deviation: a task moves every message at once, so it is COMPLETED when the start call
returns and cannot be cancelled; task records are kept in memory (the moves are durable)."""

from __future__ import annotations

import functools
import uuid
from typing import Any

from headwater.queues import store
from headwater.queues.context import RequestContext
from headwater.queues.errors import (
    InvalidParameterValue,
    ResourceNotFoundException,
    SqsError,
    UnsupportedOperation,
)
from headwater.queues.operations.list_dead_letter_source_queues import _targets

MAX_RESULTS = 10


def start_message_move_task(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """StartMessageMoveTask: to DestinationArn, or each message back to its source queue."""
    queues = ctx.runtime.queues
    source_arn = request["SourceArn"]
    source = _existing(queues, source_arn)
    conn = ctx.runtime.storage.conn
    if not any(_targets(policy, source_arn) for _, policy in
               store.redrive_policies(conn, source.account, source.region, "")):
        raise InvalidParameterValue("Source queue must be configured as a Dead Letter Queue.")
    destination = _existing(queues, request["DestinationArn"]) \
        if request.get("DestinationArn") else None
    now = ctx.runtime.clock.now()
    moved = 0
    with ctx.runtime.storage.transaction() as conn:
        letters = store.dead_letters(conn, source.id)
        for row_id, origin in letters:
            target = destination
            if target is None and origin:
                try:
                    target = queues.from_arn(origin)
                except SqsError:
                    continue
            if target is not None:
                store.redrive_message(conn, row_id, target.id, now)
                queues.storage.after_commit(functools.partial(queues.notify, target.id))
                moved += 1
    task = {
        "TaskHandle": str(uuid.uuid4()), "Status": "COMPLETED", "SourceArn": source_arn,
        "ApproximateNumberOfMessagesMoved": moved,
        "ApproximateNumberOfMessagesToMove": len(letters),
        "StartedTimestamp": int(now * 1000),
    }
    for key in ("DestinationArn", "MaxNumberOfMessagesPerSecond"):
        if request.get(key) is not None:
            task[key] = request[key]
    queues.move_tasks.setdefault(source_arn, []).insert(0, task)
    return {"TaskHandle": task["TaskHandle"]}


def list_message_move_tasks(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListMessageMoveTasks: the most recent tasks of a source queue, newest first."""
    _existing(ctx.runtime.queues, request["SourceArn"])
    limit = request.get("MaxResults") or 1
    if not 1 <= limit <= MAX_RESULTS:
        raise InvalidParameterValue(
            f"Value {limit} for parameter MaxResults is invalid. Reason: You must enter a "
            "number that's between 1 and 10.")
    return {"Results": ctx.runtime.queues.move_tasks.get(request["SourceArn"], [])[:limit]}


def cancel_message_move_task(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """CancelMessageMoveTask: tasks finish as they start, so there is never one to cancel."""
    for tasks in ctx.runtime.queues.move_tasks.values():
        if any(task["TaskHandle"] == request["TaskHandle"] for task in tasks):
            raise UnsupportedOperation("Only a task in RUNNING status can be cancelled.")
    raise ResourceNotFoundException("The resource that you specified for the TaskHandle "
                                    "parameter doesn't exist.")


def _existing(queues: Any, arn: str) -> Any:
    try:
        return queues.from_arn(arn)
    except SqsError:
        raise ResourceNotFoundException("The resource that you specified for the SourceArn "
                                        "parameter doesn't exist.") from None
