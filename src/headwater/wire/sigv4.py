"""Caller identity from a SigV4 `Authorization` header: account from the access key, region
from the credential scope. Signatures are not verified (a local emulator has no secrets)."""

from __future__ import annotations

DEFAULT_ACCOUNT = "000000000000"
DEFAULT_REGION = "us-east-1"


def caller(authorization: str | None) -> tuple[str, str]:
    """(account, region) for a request; a 12-digit access key id is taken as the account."""
    if not authorization:
        return DEFAULT_ACCOUNT, DEFAULT_REGION
    start = authorization.find("Credential=")
    if start < 0:
        return DEFAULT_ACCOUNT, DEFAULT_REGION
    credential = authorization[start + 11 :].split(",", 1)[0].strip()
    parts = credential.split("/")
    access_key = parts[0]
    account = access_key if len(access_key) == 12 and access_key.isdigit() else DEFAULT_ACCOUNT
    region = parts[2] if len(parts) >= 5 and parts[2] else DEFAULT_REGION
    return account, region
