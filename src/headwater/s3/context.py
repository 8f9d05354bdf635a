"""What the S3 operations reach through their context: storage, the clock and the buckets.
The composition root's runtime provides them (runtime.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from headwater.core import context

if TYPE_CHECKING:
    from headwater.core.clock import Clock
    from headwater.core.storage import Storage
    from headwater.s3.buckets import Buckets


class S3Services(context.Served, Protocol):
    @property
    def storage(self) -> Storage: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def buckets(self) -> Buckets: ...


RequestContext = context.RequestContext[S3Services]
