"""What the CloudWatch Logs operations reach through their context: the log store functions
write to. The composition root's runtime provides it (runtime.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from headwater.core import context

if TYPE_CHECKING:
    from headwater.logs.store import LogStore


class LogsServices(context.Served, Protocol):
    @property
    def logs(self) -> LogStore: ...


RequestContext = context.RequestContext[LogsServices]
