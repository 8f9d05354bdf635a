"""What the SQS operations reach through their context: storage, the clock and the queue
registry. The composition root's runtime provides them (runtime.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from headwater.core import context

if TYPE_CHECKING:
    from headwater.core.clock import Clock
    from headwater.core.storage import Storage
    from headwater.queues.registry import Queues


class QueuesServices(context.Served, Protocol):
    @property
    def storage(self) -> Storage: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def queues(self) -> Queues: ...


RequestContext = context.RequestContext[QueuesServices]
