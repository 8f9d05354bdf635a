"""Resource-based policies, kept by resource ARN (schema 14): a DynamoDB table's or stream's
(PutResourcePolicy) and a Lambda function's (AddPermission builds it statement by statement).
The documents are stored as their owners wrote them; iam/enforcement.py parses and evaluates
them. Reads go through a small cache, since every authorised request looks its resource up."""

from __future__ import annotations

from dataclasses import dataclass

from headwater.core.storage import Storage

# Entries the cache holds before it starts again (lookups of arbitrary, unknown ARNs).
CACHE_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class StoredPolicy:
    text: str
    revision: str


class ResourcePolicies:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._cache: dict[str, StoredPolicy | None] = {}

    def get(self, arn: str) -> StoredPolicy | None:
        try:
            return self._cache[arn]
        except KeyError:
            pass
        row = self.storage.conn.execute(
            "SELECT policy, revision FROM resource_policies WHERE arn = ?", (arn,)).fetchone()
        found = None if row is None else StoredPolicy(row[0], row[1])
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        self._cache[arn] = found
        return found

    def put(self, arn: str, text: str, revision: str) -> None:
        with self.storage.transaction() as conn:
            conn.execute("INSERT INTO resource_policies (arn, policy, revision) VALUES (?, ?, ?)"
                         " ON CONFLICT (arn) DO UPDATE SET policy = excluded.policy,"
                         " revision = excluded.revision", (arn, text, revision))
            self._forget(arn)

    def delete(self, arn: str) -> None:
        with self.storage.transaction() as conn:
            conn.execute("DELETE FROM resource_policies WHERE arn = ?", (arn,))
            self._forget(arn)

    def delete_under(self, arn: str, separator: str = "/") -> None:
        """Remove the policies of `arn` and of everything under it (a table's streams after
        `/`, a function's qualifiers after `:`)."""
        with self.storage.transaction() as conn:
            conn.execute("DELETE FROM resource_policies WHERE arn = ? OR arn GLOB ?",
                         (arn, _glob_literal(arn + separator) + "*"))
            self._cache.clear()
            self.storage.on_rollback(self._cache.clear)

    def _forget(self, arn: str) -> None:
        self._cache.pop(arn, None)
        self.storage.on_rollback(lambda: self._cache.pop(arn, None))


def _glob_literal(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)
