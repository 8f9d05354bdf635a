"""The composition root's object graph: builds every service once, in dependency order, and
hands each its typed dependencies (no back-pointers set after construction). Request contexts
carry it as their services handle; each service package types the part it uses (its
`context.py`)."""

from __future__ import annotations

from typing import Any

from headwater.background import Worker
from headwater.cloudformation.stacks import Stacks, StackWorker
from headwater.cloudwatch.alarms.evaluator import AlarmEvaluator
from headwater.cloudwatch.alarms.registry import Alarms
from headwater.cloudwatch.anomaly.registry import AnomalyDetectors
from headwater.cloudwatch.latest_values import LatestValues
from headwater.cloudwatch.queue_metrics import QueueSampler
from headwater.cloudwatch.store import MetricFlusher, MetricStore
from headwater.core.authority import Authority
from headwater.core.clock import Clock
from headwater.core.events import EventBus
from headwater.core.resource_policies import ResourcePolicies
from headwater.core.storage import Storage
from headwater.dynamodb.catalog import TableCatalog
from headwater.dynamodb.idempotency import RequestTokens
from headwater.dynamodb.item_versions import VersionMark
from headwater.dynamodb.provisioned_metrics import ProvisionedSampler
from headwater.dynamodb.ttl import TtlSweeper
from headwater.functions.registry import Functions
from headwater.iam.enforcement import Enforcer
from headwater.iam.identities import Identities
from headwater.logs.store import LogStore
from headwater.queues.registry import Queues
from headwater.replication.controls import ReplicationControls
from headwater.replication.links import ReplicaLinks
from headwater.replication.metrics import ReplicationMetrics
from headwater.replication.tombstones import TombstoneSweeper
from headwater.replication.worker import Replicator
from headwater.s3.buckets import Buckets
from headwater.services import LocalCalls
from headwater.settings import Settings
from headwater.streams.log import StreamLog
from headwater.streams.read_limits import ReadLimits
from headwater.streams.retention import RetentionWorker
from headwater.streams.rollover import RolloverWorker
from headwater.topics.registry import Topics
from headwater.triggers import failures, role_checks
from headwater.triggers.invoking import function_layer_invoker
from headwater.triggers.manager import TriggerManager
from headwater.triggers.model import Mapping
from headwater.triggers.remote.client import RemoteSettings
from headwater.triggers.remote.setup import RemoteTriggers, remote_triggers, worker_id
from headwater.triggers.stream_source import LocalStreamSource


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clock = Clock()
        # What happens, as it happens: the live console's feed (console/).
        self.events = EventBus()
        self.storage = Storage(settings.data_dir, settings.durability, settings.cache_mb,
                               settings.mmap_mb)
        self.tables = TableCatalog(self.storage)
        # IAM (issue 13): the identities IAM issued, resource-based policies, and what a caller
        # may do (core/authority.py), enforced under --enforce-iam.
        self.resource_policies = ResourcePolicies(self.storage)
        self.identities = Identities(self.storage, self.clock)
        self.authority: Authority = Enforcer(self.identities, self.resource_policies,
                                             self._partition_key, settings.enforce_iam)
        self.request_tokens = RequestTokens(self.storage, self.clock)
        self.streams = StreamLog(self.storage, self.clock, settings.shard_rollover,
                                 self.events)
        self.replica_links = ReplicaLinks(self.streams)
        # Global tables' last-writer-wins versions: the database's latest (item_versions.py).
        self.version_mark = VersionMark()
        self.stream_read_limits = ReadLimits(settings.stream_read_limits)
        self.cloudwatch = MetricStore(self.clock, settings.data_dir)
        self.cloudwatch.registry.register(LatestValues(self.cloudwatch))
        self.buckets = Buckets(self.storage, self.clock,
                               settings.credentials is not None or settings.enforce_iam)
        self.queues = Queues(self.storage, self.clock,
                             self.cloudwatch.recorder("AWS/SQS", "QueueName"))
        self.functions = Functions(self.storage, self.clock, settings, self.deliver,
                                   authority=self.authority, publish=self.events.publish,
                                   record=self.cloudwatch.namespace_recorder("AWS/Lambda"))
        self.logs: LogStore = self.functions.logs
        self.topics = Topics(self.storage, self.clock, self.queues, self.functions,
                             announce=self.events.publish,
                             record=self.cloudwatch.recorder("AWS/SNS", "TopicName"))
        self.anomaly_detectors = AnomalyDetectors(self.cloudwatch)
        self.alarms = Alarms(self.storage, self.clock, self.cloudwatch, self.topics,
                             self.functions, self.anomaly_detectors)
        local = LocalStreamSource(self.streams)
        # --stream-endpoint: other engines' streams, shared among workers by leases.
        self.remote: RemoteTriggers | None = None if settings.stream_endpoint is None else \
            remote_triggers(local, RemoteSettings(settings.stream_endpoint,
                                                  settings.stream_region,
                                                  settings.stream_profile),
                            settings.lease_table, settings.lease_duration,
                            worker_id(settings.port))
        self.triggers = TriggerManager(
            self.storage, self.clock, local if self.remote is None else self.remote.source,
            self.cloudwatch, function_layer_invoker(self.functions, self.storage),
            self.deliver, settings.trigger_retry_delay, self._stream_access,
            publish=self.events.publish, put_object=self._put_failure_object,
            supervisor_for=None if self.remote is None else self.remote.supervisors)
        # CloudFormation (issue 16): stacks create their resources through the services'
        # own operations, called in-process as the stack's caller.
        self.local_calls = LocalCalls(self, self.authority)
        self.stacks = Stacks(self.storage, self.clock, self.local_calls)
        self.replicator = Replicator(self, self.streams, self.clock, self.replica_links,
                                     ReplicationControls(self.storage),
                                     ReplicationMetrics(self.cloudwatch))
        self.tombstones = TombstoneSweeper(self, self.streams, settings.retention_interval)

    def deliver(self, account: str, region: str, destination: str, message: str,
                attributes: dict[str, Any] | None = None, /) -> None:
        """Send a destination record (Lambda destinations and dead-letter queues, trigger
        OnFailure) to the SQS queue or SNS topic `destination` names. Resolved at call time:
        topics deliver to functions, and functions deliver to topics."""
        failures.deliver(self.queues, self.topics, account, region, destination, message,
                         attributes)

    @property
    def stream_endpoint(self) -> str | None:
        return self.settings.stream_endpoint

    def _put_failure_object(self, account: str, bucket: str, key: str, body: bytes, /) -> None:
        """An OnFailure record as an object of the mapping's account's bucket."""
        self.buckets.write(account, bucket, key, body, "application/json")

    def _partition_key(self, account: str, region: str, table_name: str) -> str | None:
        table = self.tables.find(account, region, table_name)
        return None if table is None else table.hash_name

    def _stream_access(self, mapping: Mapping) -> bool:
        """Whether a mapping's function role may read its stream (--enforce-iam)."""
        if not self.authority.enforcing:
            return True
        return role_checks.can_read(self.authority, mapping.account,
                                    self.functions.role_of(mapping.function_arn),
                                    mapping.source_arn)

    def workers(self) -> list[Worker]:
        """The background workers the server lifespan runs, in start order (stopped in reverse):
        WAL checkpoints (on disk only), rollover, retention, TTL, the function pool's reaper
        and event queue, the lease coordinator (--stream-endpoint), the triggers, replication
        and its tombstone sweeper, the alarm evaluator, the SQS queue and DynamoDB
        provisioned-capacity samplers, the metric flusher (`close` flushes once more after every
        worker stopped)."""
        checkpoints: list[Worker] = [] if self.storage.checkpointer is None else [
            self.storage.checkpointer]
        return [
            *checkpoints,
            RolloverWorker(self.streams),
            RetentionWorker(self.streams, self.settings.retention_interval),
            TtlSweeper(self, self.settings.ttl_interval,
                       self.cloudwatch.namespace_recorder("AWS/DynamoDB")),
            self.functions.pool,
            self.functions.events,
            # Leases stop after the triggers: consumers checkpoint, then leases are freed.
            *([] if self.remote is None else [self.remote.coordinator]),
            self.triggers,
            self.replicator,
            self.tombstones,
            AlarmEvaluator(self.alarms),
            QueueSampler(self.storage, self.cloudwatch),
            ProvisionedSampler(self.tables, self.clock,
                               self.cloudwatch.namespace_recorder("AWS/DynamoDB")),
            StackWorker(self.stacks),
            MetricFlusher(self.cloudwatch),
        ]

    def close(self) -> None:
        self.functions.close()
        self.cloudwatch.close()
        self.storage.close()
