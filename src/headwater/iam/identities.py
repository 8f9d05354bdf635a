"""The identities IAM issues, as the rest of Headwater sees them (IAM_PLAN.md, "the interface
iamenforce uses"): the key an access key id names (long-term keys from CreateAccessKey, role
session keys from AssumeRole), the policies that apply to a user or a role session, roles with
their trust policies, and role sessions for services (a Lambda worker runs as its role).

Built once by the composition root (runtime.py). Parsed policy documents are cached by their
text, and a principal's policy list by principal until the next IAM write (`changed`)."""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass
from typing import Literal

from headwater.core.clock import Clock
from headwater.core.storage import Storage
from headwater.iam import names, store
from headwater.iam.managed_policies import aws_policies
from headwater.iam.policy_documents import PolicyDocument, parse_policy
from headwater.iam.store import Principal, Session

# Role sessions are kept this long after they expire (for lookups that report them expired).
SESSION_GRACE = 24 * 3600
DEFAULT_SESSION = 3600
KEY_CACHE = 10_000


@dataclass(frozen=True, slots=True)
class IssuedKey:
    access_key_id: str
    secret: str
    account: str
    principal_arn: str
    kind: Literal["user", "assumed-role"]
    session_token: str | None
    expires: float | None
    role_arn: str | None
    user_name: str | None
    role_name: str | None
    # What GetCallerIdentity reports as UserId: AIDA... for a user, AROA...:SESSION for a
    # role session.
    user_id: str = ""
    # A session issued to a role session (role chaining: at most an hour, AWS STS docs).
    chained: bool = False


@dataclass(frozen=True, slots=True)
class RoleRecord:
    account: str
    name: str
    arn: str
    role_id: str
    path: str
    trust_policy: PolicyDocument
    trust_policy_text: str
    max_session_duration: int


@functools.lru_cache(maxsize=4096)
def parsed(text: str, kind: str = "identity") -> PolicyDocument:
    """A stored (hence already validated) document, parsed once per distinct text."""
    return parse_policy(text, kind=kind)


class Identities:
    def __init__(self, storage: Storage, clock: Clock) -> None:
        self.storage = storage
        self.clock = clock
        self._policies: dict[tuple[str, str], list[PolicyDocument]] = {}
        # Every signed request looks its key up (callers.py): access key id -> what it names.
        self._keys: dict[str, IssuedKey | None] = {}

    def changed(self) -> None:
        """Forget cached policy lists and keys: called by every IAM write (and on its
        rollback)."""
        self._forget()
        self.storage.on_rollback(self._forget)

    def _forget(self) -> None:
        self._policies.clear()
        self._keys.clear()

    def lookup_key(self, access_key_id: str) -> IssuedKey | None:
        """The IAM-issued key `access_key_id` names (an active user key, or a role session key,
        expired or not: `expires` says), or None."""
        try:
            return self._keys[access_key_id]
        except KeyError:
            pass
        found = self._lookup_key(access_key_id)
        if len(self._keys) >= KEY_CACHE:
            self._keys.clear()
        self._keys[access_key_id] = found
        return found

    def _lookup_key(self, access_key_id: str) -> IssuedKey | None:
        if access_key_id.startswith("AKIA"):
            key = store.get_key(self.storage.conn, access_key_id)
            if key is None or key.status != "Active":
                return None
            user = key.principal
            return IssuedKey(key.access_key_id, key.secret, user.account, user.arn, "user",
                             None, None, None, user.name, None, user.unique_id)
        if access_key_id.startswith("ASIA"):
            session = store.get_session(self.storage.conn, access_key_id)
            return None if session is None else _session_key(session)
        return None

    def identity_policies(self, account: str, principal_arn: str) -> list[PolicyDocument]:
        """The identity-based policies of a user, a role or a role session
        (arn:aws:sts::A:assumed-role/ROLE/SESSION): inline ones, then the default versions of
        the attached managed ones. Empty for an unknown principal."""
        cached = self._policies.get((account, principal_arn))
        if cached is not None:
            return cached
        principal = self._principal(account, principal_arn)
        documents: list[PolicyDocument] = []
        if principal is not None:
            conn = self.storage.conn
            documents = [parsed(text) for _, text in store.inline_policies(conn, principal.id)]
            for arn in store.attached(conn, principal.id):
                text = managed_document(conn, arn)
                if text is not None:
                    documents.append(parsed(text))
        self._policies[(account, principal_arn)] = documents
        return documents

    def role(self, account: str, name: str) -> RoleRecord | None:
        principal = store.get_principal(self.storage.conn, account, "role", name)
        return None if principal is None else role_record(principal)

    def assume_role_for_service(self, account: str, role_arn: str, session_name: str,
                                duration: int = DEFAULT_SESSION) -> IssuedKey:
        """Session credentials of role `role_arn` for a service acting as it (a Lambda worker:
        session name = function name). Raises LookupError when the role does not exist."""
        match = names.ROLE_ARN.fullmatch(role_arn)
        role = self.role(match.group(1), match.group(3)) if match else None
        if role is None:
            raise LookupError(role_arn)
        return self.issue_session(role, session_name, duration)

    def issue_session(self, role: RoleRecord, session_name: str, duration: int,
                      chained: bool = False) -> IssuedKey:
        """New session keys (ASIA...) for `role`, valid `duration` seconds of clock time."""
        now = self.clock.now()
        session = Session(names.access_key_id("ASIA"), role.account, names.secret_key(),
                          names.session_token(), role.arn, role.name, role.role_id,
                          session_name, now + duration, chained)
        with self.storage.transaction() as conn:
            store.purge_sessions(conn, now - SESSION_GRACE)
            store.insert_session(conn, session)
            self.changed()
        return _session_key(session)

    def _principal(self, account: str, arn: str) -> Principal | None:
        conn = self.storage.conn
        for kind, pattern, group in (("role", names.ROLE_ARN, 3), ("user", names.USER_ARN, 3),
                                     ("role", names.SESSION_ARN, 2)):
            match = pattern.fullmatch(arn)
            if match:
                return store.get_principal(conn, account, kind, match.group(group))
        return None


def role_record(principal: Principal) -> RoleRecord:
    text = principal.trust_policy or "{}"
    return RoleRecord(principal.account, principal.name, principal.arn, principal.unique_id,
                      principal.path, parsed(text, "trust"), text,
                      principal.max_session_duration or DEFAULT_SESSION)


def managed_document(conn: sqlite3.Connection, arn: str) -> str | None:
    """The default version's document of a managed policy (AWS's or the account's)."""
    aws = aws_policies().get(arn)
    if aws is not None:
        return aws.document
    policy = store.get_policy(conn, arn)
    if policy is None:
        return None
    version = store.get_version(conn, policy.id, policy.default_version)
    return None if version is None else version.document


def _session_key(session: Session) -> IssuedKey:
    arn = names.session_arn(session.account, session.role_name, session.session_name)
    return IssuedKey(session.access_key_id, session.secret, session.account, arn,
                     "assumed-role", session.session_token, session.expires, session.role_arn,
                     None, session.role_name, f"{session.role_id}:{session.session_name}",
                     session.chained)
