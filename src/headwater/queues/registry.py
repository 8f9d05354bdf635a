"""The SQS state the runtime holds (`runtime.queues`): queue lookup, the enqueue path shared by
SendMessage, SNS delivery and Lambda failure destinations, receives, and long-poll wake-ups.

Messages live in the database; the only in-memory state is the set of waiting long polls, woken
after the commit of every send to their queue and by clock advances.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from headwater.core.clock import Clock
from headwater.core.ids import new_uuid
from headwater.core.storage import Storage
from headwater.queues import messages, store
from headwater.queues.errors import InvalidParameterValue, MissingParameter, no_such_queue
from headwater.queues.names import parse_arn, parse_url, queue_arn
from headwater.queues.store import Queue
from headwater.wire.errors import AwsError

DEDUPLICATION_WINDOW = 300.0
EXPIRY_INTERVAL = 60.0


@dataclass(frozen=True, slots=True)
class Sent:
    message_id: str
    sequence: str | None  # FIFO queues only


Record = Callable[..., None]


def _ignore(*_: object) -> None:
    return None


class Queues:
    def __init__(self, storage: Storage, clock: Clock, record: Record | None = None) -> None:
        self.storage = storage
        self.clock = clock
        # AWS/SQS metrics by QueueName (the composition root hands CloudWatch's recorder)
        self.record: Record = record or _ignore
        self._waiters: dict[int, set[asyncio.Event]] = {}
        self._last_sequence = 0
        self._expired_at: dict[int, float] = {}
        self.closing = False
        self.move_tasks: dict[str, list[dict[str, Any]]] = {}  # by source queue ARN

    # -- lookup ------------------------------------------------------------------------------

    def get(self, account: str, region: str, name: str) -> Queue:
        queue = store.get_queue(self.storage.conn, account, region, name)
        if queue is None:
            raise no_such_queue()
        return queue

    def from_url(self, region: str, url: str) -> Queue:
        account, name = parse_url(url)
        return self.get(account, region, name)

    def from_arn(self, arn: str) -> Queue:
        parsed = parse_arn(arn)
        if parsed is None:
            raise no_such_queue()
        region, account, name = parsed
        return self.get(account, region, name)

    def check_redrive(self, policy: str | None, fifo: bool) -> None:
        """A RedrivePolicy must name an existing queue of the same type and a maxReceiveCount
        of 1 to 1000."""
        if not policy:
            return
        prefix = f"Value {policy} for parameter RedrivePolicy is invalid. Reason:"
        parsed = orjson.loads(policy)
        count = parsed.get("maxReceiveCount")
        try:
            count_ok = 1 <= int(count) <= 1000
        except (TypeError, ValueError):
            count_ok = False
        if not count_ok:
            raise InvalidParameterValue(
                f"{prefix} Invalid value for maxReceiveCount: {count}, valid values are from 1 "
                "to 1000 both inclusive."
            )
        try:
            target = self.from_arn(str(parsed.get("deadLetterTargetArn")))
        except AwsError:
            raise InvalidParameterValue(f"{prefix} Dead letter target does not exist.") from None
        if target.fifo != fifo:
            raise InvalidParameterValue(
                f"{prefix} Dead-letter queue must be same type of queue as the source."
            )

    # -- in-process API ----------------------------------------------------------------------

    def send_message(self, account: str, region: str, queue_arn: str, body: str,
                     attributes: dict[str, Any] | None = None) -> str:
        """Send `body` (with message `attributes`) to the queue `queue_arn`; returns the message
        id. Joins the caller's `storage.transaction()` when there is one. Raises
        QueueDoesNotExist."""
        queue = self.from_arn(queue_arn)
        if queue.fifo:
            raise MissingParameter("The request must contain the parameter MessageGroupId.")
        messages.check_body(body, queue.number("MaximumMessageSize"), attributes)
        with self.storage.transaction() as conn:
            return self.enqueue(conn, queue, body, attributes, None, account).message_id

    # -- the write paths ---------------------------------------------------------------------

    def enqueue(self, conn: Any, queue: Queue, body: str, attributes: dict[str, Any] | None,
                delay: int | None, sender: str, *, trace: str | None = None,
                group: str | None = None, dedup: str | None = None) -> Sent:
        """Insert one checked message inside the current transaction; wake pollers on commit.
        On a FIFO queue a duplicate within 5 minutes is accepted and not stored again."""
        now = self.clock.now()
        if delay is None:
            delay = queue.number("DelaySeconds")
        message_id = new_uuid()
        system: dict[str, Any] = {"SenderId": sender}
        if trace is not None:
            system["AWSTraceHeader"] = trace
        if group is not None:
            system["MessageGroupId"] = group
        sequence = None
        if queue.fifo:
            dedup = dedup or hashlib.sha256(body.encode()).hexdigest()
            scope = group if queue.attributes.get("DeduplicationScope") == "messageGroup" else ""
            earlier = store.deduplicated(conn, queue.id, scope or "", dedup, now)
            if earlier is not None:
                return Sent(*earlier)
            sequence = self._next_sequence(now)
            store.remember(conn, queue.id, scope or "", dedup, message_id, sequence,
                           now + DEDUPLICATION_WINDOW)
            system.update(MessageDeduplicationId=dedup, SequenceNumber=sequence)
        store.insert_message(conn, queue.id, message_id, body, attributes, system, now,
                             now + delay, group)
        self.record(queue.account, queue.region, queue.name, "NumberOfMessagesSent", 1)
        self.record(queue.account, queue.region, queue.name, "SentMessageSize",
                    len(body.encode()), "Bytes")
        self.storage.after_commit(lambda: self.notify(queue.id))
        return Sent(message_id, sequence)

    def _next_sequence(self, now: float) -> str:
        """A large, increasing, non-consecutive number, as FIFO SequenceNumbers are."""
        self._last_sequence = max(self._last_sequence + 1, int(now * 1_000_000) * 1000)
        return str(self._last_sequence)

    def receive(self, queue: Queue, count: int, visibility: int, system: tuple[str, ...],
                attribute_names: list[str]) -> list[dict[str, Any]]:
        """Take up to `count` visible messages, hiding each for `visibility` seconds."""
        now = self.clock.now()
        out: list[dict[str, Any]] = []
        with self.storage.transaction() as conn:
            self._expire(conn, queue, now)
            dead_letter = self._dead_letter(queue)
            limit = count * 2 if dead_letter else count
            candidates = (store.fifo_visible(conn, queue.id, now, limit) if queue.fifo
                          else store.visible(conn, queue.id, now, limit))
            sent_after = now - queue.number("MessageRetentionPeriod")
            for message in candidates:
                if len(out) == count:
                    break
                if message.sent < sent_after:
                    continue
                if dead_letter and message.receive_count >= dead_letter[1]:
                    store.move_message(conn, message.id, dead_letter[0].id, now,
                                       queue_arn(queue.region, queue.account, queue.name))
                    self.storage.after_commit(functools.partial(self.notify, dead_letter[0].id))
                    continue
                token, handle = messages.new_receipt(queue.id, message)
                store.mark_received(conn, message, now + visibility, token, now)
                out.append(messages.received(
                    message, handle, system, attribute_names, message.receive_count + 1,
                    message.first_receive or now,
                ))
        if out:
            self.record(queue.account, queue.region, queue.name, "NumberOfMessagesReceived",
                        len(out))
        return out

    def _expire(self, conn: Any, queue: Queue, now: float) -> None:
        """Delete messages past the retention period, at most once a minute per queue (the
        delete scans the queue); receives in between skip them as they go."""
        if now - self._expired_at.get(queue.id, 0.0) >= EXPIRY_INTERVAL:
            self._expired_at[queue.id] = now
            store.expire(conn, queue.id, now - queue.number("MessageRetentionPeriod"))

    def _dead_letter(self, queue: Queue) -> tuple[Queue, int] | None:
        policy = queue.attributes.get("RedrivePolicy")
        if not policy:
            return None
        try:
            parsed = orjson.loads(policy)
            target = self.from_arn(str(parsed["deadLetterTargetArn"]))
            return target, int(parsed["maxReceiveCount"])
        except (KeyError, ValueError, TypeError, AwsError):
            return None

    # -- long polling ------------------------------------------------------------------------

    def release(self) -> None:
        """End every long poll now and let no new one wait (server shutdown: the HTTP server
        lets in-flight requests finish, which would mean up to 20 s for a long poll)."""
        self.closing = True
        for waiters in self._waiters.values():
            for event in waiters:
                event.set()

    def notify(self, queue_id: int) -> None:
        for event in self._waiters.get(queue_id, ()):
            event.set()

    async def wait(self, queue_id: int, deadline: float) -> None:
        """Wait until a send to the queue, a delayed or hidden message turning visible, or
        `deadline` (clock time); clock advances wake the wait early."""
        wake_at = deadline
        upcoming = store.next_visible(self.storage.conn, queue_id, self.clock.now())
        if upcoming is not None:
            wake_at = min(wake_at, upcoming)
        event = asyncio.Event()
        self._waiters.setdefault(queue_id, set()).add(event)
        sleeper = asyncio.ensure_future(self.clock.sleep_until(wake_at))
        woken = asyncio.ensure_future(event.wait())
        try:
            await asyncio.wait({sleeper, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, woken):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            waiters = self._waiters.get(queue_id)
            if waiters is not None:
                waiters.discard(event)
                if not waiters:
                    del self._waiters[queue_id]
