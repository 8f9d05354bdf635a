"""What a shard consumer (consumer.py, with its batch half in delivery.py) needs from the trigger
manager that runs it: a Protocol `manager.TriggerManager` provides, so neither half imports the
manager that builds them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from headwater.core.clock import Clock
    from headwater.core.storage import Storage
    from headwater.triggers.invoking import Outcome
    from headwater.triggers.metrics import TriggerMetrics
    from headwater.triggers.model import Mapping
    from headwater.triggers.stream_source import StreamSource


class Deliver(Protocol):
    """Send `message` to an SQS queue or SNS topic by ARN, inside the caller's transaction;
    raises the destination's AwsError when it cannot (an OnFailure destination)."""

    def __call__(self, account: str, region: str, destination: str, message: str,
                 attributes: dict[str, Any] | None = None, /) -> None: ...


class PutObject(Protocol):
    """Store an object in an S3 bucket of the account, inside the caller's transaction;
    raises S3's AwsError when it cannot (an S3 OnFailure destination)."""

    def __call__(self, account: str, bucket: str, key: str, body: bytes, /) -> None: ...


class ConsumerHost(Protocol):
    @property
    def storage(self) -> Storage: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def source(self) -> StreamSource: ...

    @property
    def metrics(self) -> TriggerMetrics: ...

    @property
    def retry_delay(self) -> float: ...

    @property
    def deliver(self) -> Deliver: ...

    @property
    def put_object(self) -> PutObject: ...

    async def invoke(self, account: str, region: str, function: str, payload: bytes,
                     qualifier: str | None) -> Outcome: ...

    def set_result(self, uuid: str, result: str) -> None: ...

    def may_read(self, mapping: Mapping) -> bool:
        """Whether the mapping's function role may still read its stream (--enforce-iam)."""

    def shard_finished(self, uuid: str) -> None: ...
