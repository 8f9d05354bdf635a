"""A serving process's composition root (docs/multicore.md): only what DynamoDB's read
operations use, over a read-only connection of its own to the owner's database, typed to the
dynamodb package's context Protocol. No functions, triggers or background workers: what reads
do not reach raises `NotServedHere`, and the request is forwarded to the owner.

Coherence: the catalog copy and the clock offset are the owner's as of its last commit. Before
each request `fresh()` asks SQLite whether another connection committed since (`PRAGMA
data_version`, ~2 us); only then it reads the catalog generation and the clock offset from
`meta` (the owner bumps the generation in the transaction of every catalog change,
dynamodb/catalog.py) and reloads the catalog when the generation moved. Items are never cached:
each read is a WAL snapshot of what the owner committed, and the owner acknowledges a write
only after its commit."""

from __future__ import annotations

import asyncio
from typing import NoReturn

from headwater.cloudwatch.store import MetricStore
from headwater.core.authority import Authority
from headwater.core.clock import Clock
from headwater.core.resource_policies import ResourcePolicies
from headwater.core.storage import Storage
from headwater.dynamodb.catalog import GENERATION_KEY, TableCatalog
from headwater.dynamodb.context import ReplicaLinks
from headwater.dynamodb.idempotency import RequestTokens
from headwater.dynamodb.table import Table
from headwater.settings import Settings
from headwater.streams.log import CLOCK_KEY, StreamLog
from headwater.wire.errors import AwsError


class NotServedHere(AwsError):
    """What a serving process does not hold: the request goes to the owner (an AwsError of
    no AWS code, never answered: any failure here is forwarded)."""

    code = "NotServedHere"
    status = 599


def _absent(what: str) -> NoReturn:
    raise NotServedHere(f"{what} lives in the owner process")


class ServedMetrics(MetricStore):
    """The request-path tallies of the reads answered here (cloudwatch/dynamodb_metrics.py),
    kept until `take` hands them to the owner, which applies them as its own. Nothing is
    applied here, so a failure's recording (the request is then forwarded, and counted by the
    owner) is dropped with this store."""

    def drain(self) -> None:
        """Applied by the owner, not here (`take`)."""

    def take(self) -> dict[tuple[str, str, str, str | None, float], object]:
        taken, self.aggregates = self.aggregates, {}
        return dict(taken)


class ServingRoot:
    """The DynamoDB context (dynamodb/context.py) of a serving process."""

    def __init__(self, settings: Settings) -> None:
        assert settings.data_dir is not None
        self.settings = settings
        self.clock = Clock()
        self.storage = Storage(settings.data_dir, cache_mb=settings.cache_mb,
                               mmap_mb=settings.mmap_mb, read_only=True)
        self.cloudwatch = ServedMetrics(self.clock)
        self._data_version: int | None = None
        self._generation: object = None
        self._tables: TableCatalog | None = None
        self._servable: dict[int, bool] = {}  # by id() of the catalog's tables
        self.reloads = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._checked = False  # fresh() ran in this loop iteration
        self.fresh()

    def check_once_per_turn(self, loop: asyncio.AbstractEventLoop) -> None:
        """Let `fresh` check once per loop iteration: every request answered in an iteration
        arrived before it began (the poll that returned them), so after any write the owner
        had acknowledged to its client, and a check during the iteration sees that commit."""
        self._loop = loop

    def _turn_ended(self) -> None:
        self._checked = False

    def fresh(self) -> None:
        """Catch up with the owner's last commit: the catalog and the clock offset."""
        if self._checked:
            return
        if self._loop is not None:
            self._checked = True
            self._loop.call_soon(self._turn_ended)
        conn = self.storage.conn
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        if version == self._data_version and self._tables is not None:
            return
        conn.execute("BEGIN")
        try:
            rows = dict(conn.execute("SELECT key, value FROM meta WHERE key IN (?, ?)",
                                     (GENERATION_KEY, CLOCK_KEY)).fetchall())
            generation = rows.get(GENERATION_KEY)
            if generation != self._generation or self._tables is None:
                self._tables = TableCatalog(self.storage)
                self._servable = {}
                self._generation = generation
                self.reloads += 1
        finally:
            conn.execute("COMMIT")
        self._data_version = version
        offset = rows.get(CLOCK_KEY)
        if offset is not None:
            ahead = float(offset) - self.clock.offset
            if ahead > 0:
                self.clock.advance(ahead)

    def servable(self, table: Table) -> bool:
        """`servable(table)`, worked out once per catalog load."""
        known = self._servable.get(id(table))
        if known is None:
            known = self._servable[id(table)] = servable(table)
        return known

    @property
    def tables(self) -> TableCatalog:
        assert self._tables is not None
        return self._tables

    @property
    def streams(self) -> StreamLog:
        _absent("the stream log")

    @property
    def request_tokens(self) -> RequestTokens:
        _absent("idempotency tokens")

    @property
    def resource_policies(self) -> ResourcePolicies:
        _absent("resource policies")

    @property
    def authority(self) -> Authority:
        _absent("IAM")

    @property
    def replica_links(self) -> ReplicaLinks:
        _absent("replication")

    def close(self) -> None:
        self.storage.conn.close()


def servable(table: Table) -> bool:
    """Whether reads of `table` can be answered here exactly as the owner would: ACTIVE, on
    demand (no provisioned throughput to account in one place), every global index ACTIVE."""
    description = table.description
    if description.get("TableStatus") != "ACTIVE":
        return False
    if (description.get("BillingModeSummary") or {}).get("BillingMode") != "PAY_PER_REQUEST":
        return False
    return all(index.get("IndexStatus", "ACTIVE") == "ACTIVE"
               for index in description.get("GlobalSecondaryIndexes") or ())
