"""The caller of a request, verified once by the server (http front, wire/sigv4.py) and handed
to every operation as a field of its context (core/context.py): protocol handlers and
operations never parse the Authorization header again.

A caller is an account's root (every key that IAM did not issue: `--credentials` keys, and any
key on a server without them), an IAM user (a key from CreateAccessKey) or an assumed-role
session (an ASIA key from AssumeRole, or the session a function's worker runs as). ARNs as IAM
writes them: `arn:aws:iam::ACCOUNT:root`, `arn:aws:iam::ACCOUNT:user/NAME`,
`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` (IAM user guide, "IAM identifiers").
"""

from __future__ import annotations

from dataclasses import dataclass

ROOT = "root"
USER = "user"
ASSUMED_ROLE = "assumed-role"


@dataclass(frozen=True, slots=True)
class Principal:
    account: str
    region: str
    arn: str
    kind: str  # ROOT, USER or ASSUMED_ROLE
    access_key: str = ""

    @classmethod
    def root(cls, account: str, region: str, access_key: str = "") -> Principal:
        return cls(account, region, root_arn(account), ROOT, access_key)

    @property
    def is_root(self) -> bool:
        return self.kind == ROOT


def root_arn(account: str) -> str:
    return f"arn:aws:iam::{account}:root"
