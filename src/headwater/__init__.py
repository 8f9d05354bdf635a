"""Headwater: local DynamoDB, DynamoDB Streams and Lambda stream triggers."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """`headwater.Server`: the embedded server (headwater/testing/embedded.py), imported only
    when asked for, so importing headwater stays cheap."""
    if name == "Server":
        from headwater.testing.embedded import Server

        return Server
    raise AttributeError(f"module 'headwater' has no attribute {name!r}")
