"""Headwater: local DynamoDB, DynamoDB Streams and Lambda stream triggers."""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """`headwater.Server`: the embedded server (headwater/testing/embedded.py), imported only
    when asked for, so importing headwater stays cheap."""
    if name == "Server":
        # By name, not an import statement: every module imports `headwater` (its version),
        # and the embedded server sits above them all in the layers (pyproject.toml).
        return importlib.import_module("headwater.testing.embedded").Server
    raise AttributeError(f"module 'headwater' has no attribute {name!r}")
