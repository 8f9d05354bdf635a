"""What Lambda's function operations reach through their context: the function service, the
clock, and S3 (function code from a bucket). The composition root's runtime provides them
(runtime.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from headwater.core import context

if TYPE_CHECKING:
    from headwater.core.authority import Authority
    from headwater.core.clock import Clock
    from headwater.core.resource_policies import ResourcePolicies
    from headwater.functions.code_objects import CodeObjects
    from headwater.functions.registry import Functions


class FunctionsServices(context.Served, Protocol):
    @property
    def clock(self) -> Clock: ...

    @property
    def functions(self) -> Functions: ...

    @property
    def resource_policies(self) -> ResourcePolicies: ...

    @property
    def authority(self) -> Authority: ...

    @property
    def buckets(self) -> CodeObjects: ...


RequestContext = context.RequestContext[FunctionsServices]
