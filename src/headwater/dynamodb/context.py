"""What DynamoDB's operations and its shared write path reach through their context: storage,
the clock, the table catalog, the change log their writes append to, the idempotency tokens,
the server settings and global tables' version mark. The composition root's runtime provides
them (runtime.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from headwater.core import context

if TYPE_CHECKING:
    import sqlite3

    from headwater.core.authority import Authority
    from headwater.core.clock import Clock
    from headwater.core.resource_policies import ResourcePolicies
    from headwater.core.storage import Storage
    from headwater.dynamodb.catalog import TableCatalog
    from headwater.dynamodb.idempotency import RequestTokens
    from headwater.dynamodb.item_versions import VersionMark
    from headwater.dynamodb.table import Table
    from headwater.settings import Settings
    from headwater.streams.log import StreamLog


class ReplicaLinks(Protocol):
    """The replication positions a replica's arrival and departure set, in the transaction
    that changes the group (replication/links.py provides them)."""

    def link(self, conn: sqlite3.Connection, new: Table, source: Table,
             peers: list[Table]) -> None: ...

    def unlink(self, conn: sqlite3.Connection, table: Table) -> None: ...


class DynamoDbServices(context.Served, Protocol):
    @property
    def storage(self) -> Storage: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def tables(self) -> TableCatalog: ...

    @property
    def streams(self) -> StreamLog: ...

    @property
    def request_tokens(self) -> RequestTokens: ...

    @property
    def resource_policies(self) -> ResourcePolicies: ...

    @property
    def authority(self) -> Authority: ...

    @property
    def replica_links(self) -> ReplicaLinks: ...

    @property
    def version_mark(self) -> VersionMark: ...


RequestContext = context.RequestContext[DynamoDbServices]
