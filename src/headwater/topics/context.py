"""What the SNS operations reach through their context: storage and the topic registry. The
composition root's runtime provides them (runtime.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from headwater.core import context

if TYPE_CHECKING:
    from headwater.core.storage import Storage
    from headwater.topics.registry import Topics


class TopicsServices(context.Served, Protocol):
    @property
    def storage(self) -> Storage: ...

    @property
    def topics(self) -> Topics: ...


RequestContext = context.RequestContext[TopicsServices]
