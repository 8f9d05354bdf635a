"""AWS/DynamoDB ProvisionedReadCapacityUnits and ProvisionedWriteCapacityUnits by TableName and
by TableName + GlobalSecondaryIndexName, sampled once a minute of clock time for tables in
provisioned mode (developer guide "DynamoDB metrics and dimensions"; on-demand tables report
none). Recorded through the recorder the composition root hands over."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from headwater.core.clock import Clock
from headwater.dynamodb.catalog import TableCatalog
from headwater.streams.workers import PeriodicWorker

SAMPLE_EVERY = 60.0


class ProvisionedSampler(PeriodicWorker):
    def __init__(self, tables: TableCatalog, clock: Clock, record: Callable[..., None],
                 interval: float = SAMPLE_EVERY) -> None:
        super().__init__(clock)
        self.tables = tables
        self.record = record
        self.interval = interval

    def tick(self) -> float:
        for table in self.tables.all():
            description = table.description
            mode = (description.get("BillingModeSummary") or {}).get("BillingMode")
            if mode == "PAY_PER_REQUEST":
                continue
            where = (table.account, table.region)
            self._sample(where, {"TableName": table.name},
                         description.get("ProvisionedThroughput"))
            for index in description.get("GlobalSecondaryIndexes") or []:
                self._sample(where, {"TableName": table.name,
                                     "GlobalSecondaryIndexName": index["IndexName"]},
                             index.get("ProvisionedThroughput"))
        return self.interval

    def _sample(self, where: tuple[str, str], dims: dict[str, str],
                throughput: dict[str, Any] | None) -> None:
        if not throughput or not throughput.get("ReadCapacityUnits"):
            return
        self.record(*where, "ProvisionedReadCapacityUnits", dims,
                    throughput["ReadCapacityUnits"])
        self.record(*where, "ProvisionedWriteCapacityUnits", dims,
                    throughput.get("WriteCapacityUnits", 0))
