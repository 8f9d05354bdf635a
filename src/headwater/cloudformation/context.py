"""What the CloudFormation operations reach through their context: storage, the clock and the
stacks (stacks.py). The composition root's runtime provides them (runtime.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from headwater.core import context

if TYPE_CHECKING:
    from headwater.cloudformation.stacks import Stacks
    from headwater.core.clock import Clock
    from headwater.core.storage import Storage


class CloudFormationServices(context.Served, Protocol):
    @property
    def storage(self) -> Storage: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def stacks(self) -> Stacks: ...


RequestContext = context.RequestContext[CloudFormationServices]
