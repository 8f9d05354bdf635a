"""Identifiers: request ids and resource ids."""

from __future__ import annotations

import itertools
import secrets
import uuid

# Request ids need to be unique, not secret: a random per-process prefix and a counter keep
# the system's random source off the request path.
_PREFIX = secrets.token_hex(16).upper()
_COUNTER = itertools.count(1)


def request_id() -> str:
    """A request id in the 52-character upper-case form DynamoDB uses."""
    return f"{_PREFIX}{next(_COUNTER):020X}"


def new_uuid() -> str:
    return str(uuid.uuid4())
