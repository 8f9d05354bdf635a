"""Identifiers: request ids and resource ids."""

from __future__ import annotations

import secrets
import uuid


def request_id() -> str:
    """A request id in the 52-character upper-case form DynamoDB uses."""
    return secrets.token_hex(26).upper()


def new_uuid() -> str:
    return str(uuid.uuid4())
