"""SQL for IAM (tables `iam_*`, migration 14). Users and roles are rows of `iam_principals`
told apart by `kind` ("user" or "role"); names are unique per account and kind, ignoring case.
Tags are kept as IAM lists them: a JSON list of {"Key", "Value"} in insertion order."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

import orjson


@dataclass(frozen=True, slots=True)
class Principal:
    id: int
    account: str
    kind: str  # "user" | "role"
    name: str
    path: str
    unique_id: str
    arn: str
    created: float
    trust_policy: str | None
    description: str | None
    max_session_duration: int | None
    tags: list[dict[str, str]]


@dataclass(frozen=True, slots=True)
class ManagedPolicy:
    id: int
    account: str
    name: str
    path: str
    policy_id: str
    arn: str
    description: str | None
    default_version: str
    next_version: int
    created: float
    updated: float


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    version_id: str
    document: str
    created: float


@dataclass(frozen=True, slots=True)
class AccessKey:
    access_key_id: str
    secret: str
    status: str
    created: float
    principal: Principal


@dataclass(frozen=True, slots=True)
class Session:
    access_key_id: str
    account: str
    secret: str
    session_token: str
    role_arn: str
    role_name: str
    role_id: str
    session_name: str
    expires: float
    chained: bool


PRINCIPAL_COLUMNS = ("p.id, p.account, p.kind, p.name, p.path, p.unique_id, p.arn, p.created, "
                     "p.trust_policy, p.description, p.max_session_duration, p.tags")
POLICY_COLUMNS = ("id, account, name, path, policy_id, arn, description, default_version, "
                  "next_version, created, updated")


def _principal(row: tuple[Any, ...]) -> Principal:
    return Principal(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8],
                     row[9], row[10], orjson.loads(row[11]))


# principals (users and roles)

def get_principal(conn: sqlite3.Connection, account: str, kind: str, name: str
                  ) -> Principal | None:
    row = conn.execute(f"SELECT {PRINCIPAL_COLUMNS} FROM iam_principals p "
                       "WHERE p.account = ? AND p.kind = ? AND p.name = ?",
                       (account, kind, name)).fetchone()
    return _principal(row) if row else None


def insert_principal(conn: sqlite3.Connection, account: str, kind: str, name: str, path: str,
                     unique_id: str, arn: str, created: float, *,
                     trust_policy: str | None = None, description: str | None = None,
                     max_session_duration: int | None = None,
                     tags: list[dict[str, str]] | None = None) -> Principal:
    cursor = conn.execute(
        "INSERT INTO iam_principals (account, kind, name, path, unique_id, arn, created, "
        "trust_policy, description, max_session_duration, tags) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (account, kind, name, path, unique_id, arn, created, trust_policy, description,
         max_session_duration, orjson.dumps(tags or [])))
    assert cursor.lastrowid is not None
    return Principal(cursor.lastrowid, account, kind, name, path, unique_id, arn, created,
                     trust_policy, description, max_session_duration, list(tags or []))


def update_principal(conn: sqlite3.Connection, principal_id: int, **fields: Any) -> None:
    """Set columns (trust_policy, description, max_session_duration, tags) of a principal."""
    if "tags" in fields:
        fields["tags"] = orjson.dumps(fields["tags"])
    assignments = ", ".join(f"{column} = ?" for column in fields)
    conn.execute(f"UPDATE iam_principals SET {assignments} WHERE id = ?",
                 (*fields.values(), principal_id))


def delete_principal(conn: sqlite3.Connection, principal_id: int) -> None:
    conn.execute("DELETE FROM iam_principals WHERE id = ?", (principal_id,))


def list_principals(conn: sqlite3.Connection, account: str, kind: str, path_prefix: str,
                    after: str, limit: int) -> list[Principal]:
    rows = conn.execute(
        f"SELECT {PRINCIPAL_COLUMNS} FROM iam_principals p WHERE p.account = ? AND p.kind = ? "
        "AND substr(p.path, 1, ?) = ? AND p.name > ? ORDER BY p.name LIMIT ?",
        (account, kind, len(path_prefix), path_prefix, after, limit)).fetchall()
    return [_principal(row) for row in rows]


# inline policies

def put_inline(conn: sqlite3.Connection, principal_id: int, name: str, document: str) -> None:
    conn.execute("INSERT INTO iam_inline_policies (principal_id, name, document) "
                 "VALUES (?, ?, ?) ON CONFLICT (principal_id, name) DO UPDATE SET "
                 "name = excluded.name, document = excluded.document",
                 (principal_id, name, document))


def get_inline(conn: sqlite3.Connection, principal_id: int, name: str
               ) -> tuple[str, str] | None:
    """(stored name, document) of an inline policy, or None."""
    row = conn.execute("SELECT name, document FROM iam_inline_policies "
                       "WHERE principal_id = ? AND name = ?", (principal_id, name)).fetchone()
    return (row[0], row[1]) if row else None


def delete_inline(conn: sqlite3.Connection, principal_id: int, name: str) -> bool:
    cursor = conn.execute("DELETE FROM iam_inline_policies WHERE principal_id = ? AND name = ?",
                          (principal_id, name))
    return cursor.rowcount > 0


def inline_policies(conn: sqlite3.Connection, principal_id: int) -> list[tuple[str, str]]:
    """(name, document) of every inline policy of a principal, by name."""
    rows = conn.execute("SELECT name, document FROM iam_inline_policies WHERE principal_id = ? "
                        "ORDER BY name", (principal_id,)).fetchall()
    return [(row[0], row[1]) for row in rows]


# managed-policy attachments

def attach(conn: sqlite3.Connection, principal_id: int, policy_arn: str, now: float) -> None:
    conn.execute("INSERT OR IGNORE INTO iam_attachments (principal_id, policy_arn, attached) "
                 "VALUES (?, ?, ?)", (principal_id, policy_arn, now))


def detach(conn: sqlite3.Connection, principal_id: int, policy_arn: str) -> bool:
    cursor = conn.execute("DELETE FROM iam_attachments WHERE principal_id = ? AND policy_arn = ?",
                          (principal_id, policy_arn))
    return cursor.rowcount > 0


def attached(conn: sqlite3.Connection, principal_id: int) -> list[str]:
    """ARNs of the managed policies attached to a principal, in attachment order."""
    rows = conn.execute("SELECT policy_arn FROM iam_attachments WHERE principal_id = ? "
                        "ORDER BY attached, policy_arn", (principal_id,)).fetchall()
    return [row[0] for row in rows]


def attachment_count(conn: sqlite3.Connection, account: str, policy_arn: str) -> int:
    row = conn.execute("SELECT count(*) FROM iam_attachments a JOIN iam_principals p "
                       "ON p.id = a.principal_id WHERE a.policy_arn = ? AND p.account = ?",
                       (policy_arn, account)).fetchone()
    return int(row[0])


def attached_arns(conn: sqlite3.Connection, account: str) -> set[str]:
    rows = conn.execute("SELECT DISTINCT a.policy_arn FROM iam_attachments a JOIN "
                        "iam_principals p ON p.id = a.principal_id WHERE p.account = ?",
                        (account,)).fetchall()
    return {row[0] for row in rows}


# customer managed policies

def _policy(row: tuple[Any, ...] | None) -> ManagedPolicy | None:
    return ManagedPolicy(*row) if row else None


def get_policy(conn: sqlite3.Connection, arn: str) -> ManagedPolicy | None:
    return _policy(conn.execute(f"SELECT {POLICY_COLUMNS} FROM iam_policies WHERE arn = ?",
                                (arn,)).fetchone())


def policy_named(conn: sqlite3.Connection, account: str, name: str) -> ManagedPolicy | None:
    return _policy(conn.execute(f"SELECT {POLICY_COLUMNS} FROM iam_policies "
                                "WHERE account = ? AND name = ?", (account, name)).fetchone())


def insert_policy(conn: sqlite3.Connection, account: str, name: str, path: str, policy_id: str,
                  arn: str, description: str | None, document: str, now: float,
                  tags: list[dict[str, str]]) -> ManagedPolicy:
    cursor = conn.execute(
        "INSERT INTO iam_policies (account, name, path, policy_id, arn, description, "
        "default_version, next_version, created, updated, tags) "
        "VALUES (?, ?, ?, ?, ?, ?, 'v1', 2, ?, ?, ?)",
        (account, name, path, policy_id, arn, description, now, now, orjson.dumps(tags)))
    assert cursor.lastrowid is not None
    insert_version(conn, cursor.lastrowid, "v1", document, now)
    return ManagedPolicy(cursor.lastrowid, account, name, path, policy_id, arn, description,
                         "v1", 2, now, now)


def list_policies(conn: sqlite3.Connection, account: str, path_prefix: str
                  ) -> list[ManagedPolicy]:
    rows = conn.execute(f"SELECT {POLICY_COLUMNS} FROM iam_policies WHERE account = ? "
                        "AND substr(path, 1, ?) = ? ORDER BY name",
                        (account, len(path_prefix), path_prefix)).fetchall()
    return [ManagedPolicy(*row) for row in rows]


def delete_policy(conn: sqlite3.Connection, policy_id: int) -> None:
    conn.execute("DELETE FROM iam_policies WHERE id = ?", (policy_id,))


def policy_tags(conn: sqlite3.Connection, policy_id: int) -> list[dict[str, str]]:
    row = conn.execute("SELECT tags FROM iam_policies WHERE id = ?", (policy_id,)).fetchone()
    return list(orjson.loads(row[0])) if row else []


def insert_version(conn: sqlite3.Connection, policy_id: int, version_id: str, document: str,
                   now: float) -> None:
    conn.execute("INSERT INTO iam_policy_versions (policy_id, version_id, document, created) "
                 "VALUES (?, ?, ?, ?)", (policy_id, version_id, document, now))


def set_versions(conn: sqlite3.Connection, policy_id: int, default: str, next_version: int,
                 now: float) -> None:
    conn.execute("UPDATE iam_policies SET default_version = ?, next_version = ?, updated = ? "
                 "WHERE id = ?", (default, next_version, now, policy_id))


def versions(conn: sqlite3.Connection, policy_id: int) -> list[PolicyVersion]:
    rows = conn.execute("SELECT version_id, document, created FROM iam_policy_versions "
                        "WHERE policy_id = ? ORDER BY created, version_id",
                        (policy_id,)).fetchall()
    return [PolicyVersion(*row) for row in rows]


def get_version(conn: sqlite3.Connection, policy_id: int, version_id: str
                ) -> PolicyVersion | None:
    row = conn.execute("SELECT version_id, document, created FROM iam_policy_versions "
                       "WHERE policy_id = ? AND version_id = ?",
                       (policy_id, version_id)).fetchone()
    return PolicyVersion(*row) if row else None


def delete_version(conn: sqlite3.Connection, policy_id: int, version_id: str) -> None:
    conn.execute("DELETE FROM iam_policy_versions WHERE policy_id = ? AND version_id = ?",
                 (policy_id, version_id))


# access keys

def insert_key(conn: sqlite3.Connection, principal_id: int, access_key_id: str, secret: str,
               now: float) -> None:
    conn.execute("INSERT INTO iam_access_keys (access_key_id, principal_id, secret, status, "
                 "created) VALUES (?, ?, ?, 'Active', ?)",
                 (access_key_id, principal_id, secret, now))


def get_key(conn: sqlite3.Connection, access_key_id: str) -> AccessKey | None:
    row = conn.execute(f"SELECT k.access_key_id, k.secret, k.status, k.created, "
                       f"{PRINCIPAL_COLUMNS} FROM iam_access_keys k JOIN iam_principals p "
                       "ON p.id = k.principal_id WHERE k.access_key_id = ?",
                       (access_key_id,)).fetchone()
    return AccessKey(row[0], row[1], row[2], row[3], _principal(row[4:])) if row else None


def keys_of(conn: sqlite3.Connection, principal_id: int) -> list[tuple[str, str, float]]:
    """(access key id, status, created) of a principal's keys, oldest first."""
    rows = conn.execute("SELECT access_key_id, status, created FROM iam_access_keys "
                        "WHERE principal_id = ? ORDER BY created, access_key_id",
                        (principal_id,)).fetchall()
    return [(row[0], row[1], row[2]) for row in rows]


def set_key_status(conn: sqlite3.Connection, access_key_id: str, status: str) -> None:
    conn.execute("UPDATE iam_access_keys SET status = ? WHERE access_key_id = ?",
                 (status, access_key_id))


def delete_key(conn: sqlite3.Connection, access_key_id: str) -> None:
    conn.execute("DELETE FROM iam_access_keys WHERE access_key_id = ?", (access_key_id,))


# role sessions (AssumeRole)

def insert_session(conn: sqlite3.Connection, session: Session) -> None:
    conn.execute("INSERT INTO iam_sessions (access_key_id, account, secret, session_token, "
                 "role_arn, role_name, role_id, session_name, expires, chained) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (session.access_key_id, session.account, session.secret,
                  session.session_token, session.role_arn, session.role_name, session.role_id,
                  session.session_name, session.expires, int(session.chained)))


def get_session(conn: sqlite3.Connection, access_key_id: str) -> Session | None:
    row = conn.execute("SELECT access_key_id, account, secret, session_token, role_arn, "
                       "role_name, role_id, session_name, expires, chained FROM iam_sessions "
                       "WHERE access_key_id = ?", (access_key_id,)).fetchone()
    if row is None:
        return None
    return Session(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8],
                   bool(row[9]))


def purge_sessions(conn: sqlite3.Connection, before: float) -> None:
    conn.execute("DELETE FROM iam_sessions WHERE expires < ?", (before,))
