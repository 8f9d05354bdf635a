"""The Owner S3 reports for an account's buckets and objects: a 64-hex canonical user id
(derived from the account id here; AWS assigns its own)."""

from __future__ import annotations

import hashlib
from typing import Any


def canonical_id(account: str) -> str:
    return hashlib.sha256(f"headwater-s3-owner:{account}".encode()).hexdigest()


def owner(account: str) -> dict[str, Any]:
    return {"ID": canonical_id(account)}
