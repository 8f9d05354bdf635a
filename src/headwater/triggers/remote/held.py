"""A lease this worker holds, as the coordinator and the shard consumer reading it share it:
the counter of the last write, the durable checkpoint and the one staged by the consumer (it
goes out with the next renewal or flush), and the events that tell the consumer's supervisor
to stop (lost, or asked to hand over) and the coordinator that the consumer has stopped."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

Checkpoint = tuple[str, float | None, bytes | None]  # sequence, record creation time, window


@dataclass(eq=False, slots=True)
class HeldLease:
    key: str
    function: str
    stream_arn: str
    shard_id: str
    counter: int
    checkpoint: str
    checkpoint_at: float | None = None
    window: bytes | None = None
    held: bool = True
    handoff_to: str | None = None  # the worker it is being handed to
    staged: Checkpoint | None = None
    renewed: float = field(default_factory=time.monotonic)
    idle: asyncio.Event = field(default_factory=asyncio.Event)  # no consumer runs on it
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self.idle.set()

    @property
    def runnable(self) -> bool:
        """A consumer may read it: held, not being handed over, not finished."""
        return self.held and self.handoff_to is None and self.checkpoint != "SHARD_END" \
            and (self.staged is None or self.staged[0] != "SHARD_END")

    def stage(self, checkpoint: Checkpoint) -> None:
        self.staged = checkpoint

    def written(self, checkpoint: Checkpoint) -> None:
        """`checkpoint` is durable; unstage it unless a newer one was staged meanwhile."""
        self.checkpoint, self.checkpoint_at, self.window = checkpoint
        if self.staged is checkpoint:
            self.staged = None
