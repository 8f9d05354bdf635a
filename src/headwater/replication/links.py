"""Where replication starts when a replica joins (and stops when one leaves), set in the
transaction that changes the group (dynamodb/context.py ReplicaLinks).

A new replica N is copied from source S, so N holds S's state now and everything S had
applied from the other members. Hence: S -> N starts at the log's current position; every
other member M -> N starts where M -> S stands (M's changes S had not yet applied are still
owed to N); N -> anyone starts at the beginning of N's new stream."""

from __future__ import annotations

import asyncio
import sqlite3

from headwater.dynamodb.table import Table
from headwater.replication import store
from headwater.streams.log import StreamLog


class ReplicaLinks:
    def __init__(self, streams: StreamLog) -> None:
        self.streams = streams
        self.changed = asyncio.Event()  # set when the groups change; the replicator rescans

    def link(self, conn: sqlite3.Connection, new: Table, source: Table,
             peers: list[Table]) -> None:
        now = self.streams.sequence
        store.save(conn, source.id, new.id, now)
        for member in (source, *peers):
            store.save(conn, new.id, member.id, 0)
        for peer in peers:
            at = store.position(conn, peer.id, source.id)
            store.save(conn, peer.id, new.id, now if at is None else at)
        self.changed.set()

    def unlink(self, conn: sqlite3.Connection, table: Table) -> None:
        store.drop_table(conn, table.id)
        self.changed.set()
