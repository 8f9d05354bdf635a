"""How a consumer calls its function: synchronously (RequestResponse) through the function
layer, so concurrency limits, timeouts and logs apply (aws-facts §4.1). An invoker is any
async callable with this signature; tests inject their own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from headwater.core.storage import Storage
from headwater.wire.errors import AwsError

THROTTLE = "TooManyRequestsException"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one invocation returned: the function ran (maybe failing), or it never ran."""

    status: int = 200
    payload: bytes = b""
    function_error: str | None = None
    executed_version: str = "$LATEST"
    request_id: str = ""
    refused: AwsError | None = None  # throttled or not invocable: the function did not run
    duration_ms: float | None = None  # the handler's run time, init excluded (REPORT Duration)
    # It waited for a busy execution environment while the server's loop never waited
    # (functions/pool.py `crowded`): another batch in flight would only wait too.
    queued: bool = False

    @property
    def throttled(self) -> bool:
        return self.refused is not None and self.refused.code == THROTTLE


Invoker = Callable[[str, str, str, bytes, "str | None"], Awaitable[Outcome]]


class FunctionLayer(Protocol):
    """The function service's in-process Invoke (functions/registry.py `Functions.invoke`)."""

    async def invoke(self, account: str, region: str, function_name: str, payload: bytes,
                     qualifier: str | None = None, /, *, built: bool = False) -> object: ...


def function_layer_invoker(functions: FunctionLayer, storage: Storage) -> Invoker:
    """An invoker over `functions.invoke`."""

    async def invoke(account: str, region: str, function_arn: str, payload: bytes,
                     qualifier: str | None) -> Outcome:
        # The batch may hold records of writes still in an open group commit (the consumer
        # reads through the writer's connection): never show a function an uncommitted write.
        await storage.settle()
        try:
            # The batch's JSON is the consumer's own: the function layer need not parse it.
            result = await functions.invoke(account, region, function_arn, payload,
                                            qualifier, built=True)
        except AwsError as error:
            return Outcome(status=error.status, refused=error)
        return Outcome(
            status=int(getattr(result, "status", 200)),
            payload=bytes(getattr(result, "payload", b"") or b""),
            function_error=getattr(result, "function_error", None),
            executed_version=str(getattr(result, "executed_version", None) or "$LATEST"),
            request_id=str(getattr(result, "request_id", "") or ""),
            duration_ms=getattr(result, "duration_ms", None),
            queued=bool(getattr(result, "queued", False)),
        )

    return invoke
