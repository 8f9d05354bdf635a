"""What the IAM and STS operations reach through their context: storage, the clock and the
identities (iam/identities.py). The composition root's runtime provides them (runtime.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from headwater.core import context

if TYPE_CHECKING:
    from headwater.core.clock import Clock
    from headwater.core.storage import Storage
    from headwater.iam.identities import Identities


class IamServices(context.Served, Protocol):
    @property
    def storage(self) -> Storage: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def identities(self) -> Identities: ...


RequestContext = context.RequestContext[IamServices]
