"""What Lambda's function operations reach through their context: the function service and the
clock. The composition root's runtime provides them (runtime.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from headwater.core import context

if TYPE_CHECKING:
    from headwater.core.clock import Clock
    from headwater.functions.registry import Functions


class FunctionsServices(context.Served, Protocol):
    @property
    def clock(self) -> Clock: ...

    @property
    def functions(self) -> Functions: ...


RequestContext = context.RequestContext[FunctionsServices]
