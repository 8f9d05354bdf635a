"""The process-wide state every request and background worker shares."""

from __future__ import annotations

from headwater.background import Worker
from headwater.cloudwatch.store import MetricStore
from headwater.core.clock import Clock
from headwater.core.storage import Storage
from headwater.dynamodb.catalog import TableCatalog
from headwater.dynamodb.idempotency import RequestTokens
from headwater.functions.registry import Functions
from headwater.queues.registry import Queues
from headwater.settings import Settings
from headwater.streams.log import StreamLog
from headwater.streams.read_limits import ReadLimits
from headwater.topics.registry import Topics
from headwater.triggers.manager import TriggerManager


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clock = Clock()
        self.storage = Storage(settings.data_dir, settings.durability)
        self.tables = TableCatalog(self.storage)
        self.request_tokens = RequestTokens(self.storage, self.clock)
        self.streams = StreamLog(self.storage, self.clock, settings.shard_rollover)
        self.stream_read_limits = ReadLimits(settings.stream_read_limits)
        self.queues = Queues(self.storage, self.clock)
        self.topics = Topics(self.storage, self.clock, self.queues)
        self.cloudwatch = MetricStore(self.clock)
        self.functions = Functions(self.storage, self.clock, settings)
        self.topics.functions = self.functions
        self.functions.runtime = self
        self.triggers = TriggerManager(self)

    def workers(self) -> list[Worker]:
        """The background workers the server lifespan runs (TTL, retention, rollover, ...)."""
        from headwater.dynamodb.ttl import TtlSweeper
        from headwater.streams.retention import RetentionWorker
        from headwater.streams.rollover import RolloverWorker

        return [
            RolloverWorker(self.streams),
            RetentionWorker(self.streams, self.settings.retention_interval),
            TtlSweeper(self, self.settings.ttl_interval),
            *self.functions.workers(),
            self.triggers,
        ]

    def close(self) -> None:
        self.functions.close()
        self.storage.close()
