"""What the CloudFormation operations reach through their context: storage, the clock, the
stacks (stacks.py) and S3 objects (a TemplateURL). The composition root's runtime provides
them (runtime.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from headwater.core import context

if TYPE_CHECKING:
    from headwater.cloudformation.stacks import Stacks
    from headwater.core.clock import Clock
    from headwater.core.storage import Storage


class TemplateObjects(Protocol):
    """S3 as CloudFormation reads a TemplateURL: an object's bytes, as the caller's account
    (raises S3's own NoSuchBucket, NoSuchKey, AccessDenied)."""

    def read(self, account: str, bucket: str, key: str) -> bytes: ...


class CloudFormationServices(context.Served, Protocol):
    @property
    def storage(self) -> Storage: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def stacks(self) -> Stacks: ...

    @property
    def buckets(self) -> TemplateObjects: ...


RequestContext = context.RequestContext[CloudFormationServices]
