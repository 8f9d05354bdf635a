"""AWS/SQS queue-depth metrics by QueueName, sampled once a minute of clock time as AWS does
(Amazon SQS developer guide, "Available CloudWatch metrics for Amazon SQS"):
ApproximateNumberOfMessagesVisible, ApproximateNumberOfMessagesNotVisible,
ApproximateNumberOfMessagesDelayed (Count) and ApproximateAgeOfOldestMessage (Seconds, only
while the queue holds a message). The counters (NumberOfMessagesSent, SentMessageSize,
NumberOfMessagesReceived, NumberOfEmptyReceives, NumberOfMessagesDeleted) are recorded where
the queues package does the work, through the recorder the composition root hands it."""

from __future__ import annotations

import asyncio

from headwater.cloudwatch.store import MetricStore
from headwater.core.storage import Storage
from headwater.queues import store as queue_store

SQS = "AWS/SQS"
SAMPLE_EVERY = 60.0


class QueueSampler:
    def __init__(self, storage: Storage, metrics: MetricStore,
                 interval: float = SAMPLE_EVERY) -> None:
        self.storage = storage
        self.metrics = metrics
        self.interval = interval
        self._stop = asyncio.Event()

    def sample(self) -> None:
        conn = self.storage.conn
        now = self.metrics.clock.now()
        put = self.metrics.put
        for queue in queue_store.all_queues(conn):
            sent_after = now - queue.number("MessageRetentionPeriod")
            visible, in_flight, delayed = queue_store.counts(conn, queue.id, now, sent_after)
            dims = {"QueueName": queue.name}
            where = (queue.account, queue.region, SQS)
            put(*where, "ApproximateNumberOfMessagesVisible", dims, visible)
            put(*where, "ApproximateNumberOfMessagesNotVisible", dims, in_flight)
            put(*where, "ApproximateNumberOfMessagesDelayed", dims, delayed)
            oldest = queue_store.oldest_sent(conn, queue.id, sent_after)
            if oldest is not None:
                put(*where, "ApproximateAgeOfOldestMessage", dims, int(now - oldest), "Seconds")

    async def run(self) -> None:
        while not await self.metrics.clock.sleep_unless(self.interval, self._stop):
            self.sample()

    async def stop(self) -> None:
        self._stop.set()
