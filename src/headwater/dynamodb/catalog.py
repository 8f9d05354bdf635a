"""The table catalog: tables by account, region and name, persisted in `ddb_tables` and cached
in memory (one process writes the database, so its cache is authoritative; serving processes
reload theirs when `catalog_generation` in `meta` moved, bumped by every change here).

Every lookup by a request's TableName goes through `locate`, which also accepts the table's ARN:
since 2024 DynamoDB takes `arn:aws:dynamodb:REGION:ACCOUNT:table/NAME` wherever it takes a
TableName (botocore's TableArn shape; developer guide "DynamoDB API operations supported by
resource-based policies", "table name overloading"). The ARN names its own account and region.
Under `--credentials` another account's ARN never reaches here: dynamodb/access.py refuses it
(there are no resource policies to allow it); without, any account's table is reachable.
"""

from __future__ import annotations

from typing import Any

import orjson

from headwater.core.arns import parse_table_arn
from headwater.core.storage import Storage
from headwater.dynamodb.errors import ResourceNotFoundException, ValidationException
from headwater.dynamodb.table import Table

TableKey = tuple[str, str, str]
ARN_PREFIX = "arn:"
# AWS's wording for an ARN that names no table (recorded for ListTagsOfResource: alternator
# test/alternator/test_tag.py, test_tag_lsi_gsi); for TableName the wording is not recorded.
INVALID_ARN = "Invalid TableArn: Invalid ResourceArn provided as input {}"
# The `meta` row counting the catalog's changes, bumped in the transaction of each: a serving
# process (serving/, docs/multicore.md) reloads its copy of the catalog when it moved.
GENERATION_KEY = "catalog_generation"
BUMP = ("INSERT INTO meta (key, value) VALUES (?, 1) "
        "ON CONFLICT (key) DO UPDATE SET value = value + 1")


def locate(account: str, region: str, name: str) -> TableKey:
    """The (account, region, name) a request's TableName designates for a caller in `account`
    and `region`: a plain name is the caller's own table, a table ARN names its account and
    region. Anything else starting with "arn:" (index or stream ARNs, other services, bad
    names) is a ValidationException; the model has already bounded its length."""
    if not name.startswith(ARN_PREFIX):
        return account, region, name
    parsed = parse_table_arn(name)
    if parsed is None:
        raise ValidationException(INVALID_ARN.format(name))
    arn_region, arn_account, table = parsed
    return arn_account, arn_region, table


class TableCatalog:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._tables: dict[TableKey, Table] = {}
        rows = storage.conn.execute("SELECT id, account, region, name, description FROM ddb_tables")
        for table_id, account, region, name, blob in rows:
            state = orjson.loads(blob)
            table = Table(table_id, account, region, name, state["description"],
                          state.get("tags", {}), state.get("ttl", {}),
                          autoscaling=state.get("autoscaling", {}))
            self._tables[(account, region, name)] = table

    def find(self, account: str, region: str, name: str) -> Table | None:
        """The table a TableName (name or ARN, see `locate`) designates, or None."""
        return self._tables.get(locate(account, region, name))

    def get(self, account: str, region: str, name: str) -> Table:
        """The table, or DynamoDB's ResourceNotFoundException for data-plane calls."""
        table = self._tables.get(locate(account, region, name))
        if table is None:
            raise ResourceNotFoundException("Requested resource not found")
        return table

    def names(self, account: str, region: str) -> list[str]:
        return sorted(name for (a, r, name) in self._tables if a == account and r == region)

    def all(self) -> list[Table]:
        return list(self._tables.values())

    def add(self, account: str, region: str, name: str, description: dict[str, Any],
            tags: dict[str, str]) -> Table:
        with self.storage.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO ddb_tables (account, region, name, description) VALUES (?, ?, ?, ?)",
                (account, region, name, _state(description, tags, {})),
            )
            table_id = cursor.lastrowid
            conn.execute(BUMP, (GENERATION_KEY,))
        assert table_id is not None
        table = Table(table_id, account, region, name, description, tags, {})
        key = (account, region, name)
        self._tables[key] = table
        self.storage.on_rollback(lambda: self._tables.pop(key, None))
        return table

    def save(self, table: Table) -> None:
        """Persist a changed table; call inside the write's transaction when there is one."""
        with self.storage.transaction() as conn:
            conn.execute("UPDATE ddb_tables SET description = ? WHERE id = ?",
                         (_state(table.description, table.tags, table.ttl, table.autoscaling),
                          table.id))
            conn.execute(BUMP, (GENERATION_KEY,))

    def remove(self, table: Table) -> None:
        with self.storage.transaction() as conn:
            conn.execute("DELETE FROM ddb_items WHERE table_id = ?", (table.id,))
            conn.execute("DELETE FROM ddb_index_items WHERE table_id = ?", (table.id,))
            conn.execute("DELETE FROM ddb_item_versions WHERE table_id = ?", (table.id,))
            conn.execute("DELETE FROM ddb_tables WHERE id = ?", (table.id,))
            conn.execute(BUMP, (GENERATION_KEY,))
            key = (table.account, table.region, table.name)
            self._tables.pop(key, None)
            self.storage.on_rollback(lambda: self._tables.setdefault(key, table))

    def index_stats(self, table: Table, index: str) -> tuple[int, int]:
        """(ItemCount, IndexSizeBytes) of one secondary index."""
        count, size = self.storage.conn.execute(
            "SELECT count(*), coalesce(sum(size), 0) FROM ddb_index_items "
            "WHERE table_id = ? AND index_name = ?", (table.id, index),
        ).fetchone()
        return int(count), int(size)

    def stats(self, table: Table) -> tuple[int, int]:
        """(ItemCount, TableSizeBytes), exact rather than AWS's six-hourly estimate."""
        count, size = self.storage.conn.execute(
            "SELECT count(*), coalesce(sum(size), 0) FROM ddb_items WHERE table_id = ?", (table.id,)
        ).fetchone()
        return int(count), int(size)


def _state(description: dict[str, Any], tags: dict[str, str], ttl: dict[str, Any],
           autoscaling: dict[str, Any] | None = None) -> bytes:
    state = {"description": description, "tags": tags, "ttl": ttl}
    if autoscaling:
        state["autoscaling"] = autoscaling
    return orjson.dumps(state)
