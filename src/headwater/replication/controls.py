"""Replication controls no cloud has (`POST /_headwater/replication`): pause applying
replicated changes (writes keep landing in each region's stream) and add a lag, in seconds of
the project clock, before a change may be applied elsewhere. Kept in the database, so a
restart resumes with the controls it stopped with (a paused replication stays paused)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from headwater.core.storage import Storage
from headwater.replication import store


class ControlError(ValueError):
    """A request body the endpoint refuses (its message is the answer)."""


class ReplicationControls:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        saved = store.controls(storage.conn)
        self.paused = bool(saved.get("paused", False))
        self.delay = float(saved.get("delay", 0.0))
        self.changed = asyncio.Event()
        self.listeners: list[Callable[[], None]] = []  # told of every change

    def configure(self, body: dict[str, Any]) -> None:
        """Apply `{"paused": bool}` and/or `{"delay": seconds}`; ControlError if malformed."""
        if not isinstance(body, dict) or not body or set(body) - {"paused", "delay"}:
            raise ControlError('give "paused" (true or false) and/or "delay" (seconds >= 0)')
        paused, delay = body.get("paused", self.paused), body.get("delay", self.delay)
        if not isinstance(paused, bool):
            raise ControlError('"paused" must be true or false')
        if isinstance(delay, bool) or not isinstance(delay, int | float) or not 0 <= delay:
            raise ControlError('"delay" must be a number of seconds >= 0')
        with self.storage.transaction() as conn:
            store.save_controls(conn, {"paused": paused, "delay": float(delay)})
        self.paused, self.delay = paused, float(delay)
        self.changed.set()
        self.changed = asyncio.Event()
        for listener in self.listeners:
            listener()
