"""What one invocation is about: the function version an Invoke resolved to (through its
qualifier or alias), and what the invocation returned."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from headwater.functions.names import FunctionRef, function_arn
from headwater.functions.store import FunctionRecord


@dataclass(slots=True)
class Resolved:
    record: FunctionRecord
    ref: FunctionRef
    version: str  # "$LATEST" or a version number
    config: dict[str, Any]
    alias: str | None

    @property
    def invoked_arn(self) -> str:
        return function_arn(self.ref.region, self.ref.account, self.ref.name, self.ref.qualifier)


@dataclass(frozen=True, slots=True)
class InvokeResult:
    status: int  # 200, 202 (Event) or 204 (DryRun)
    payload: bytes
    function_error: str | None  # "Unhandled" when the function failed
    executed_version: str | None
    log_tail: str | None  # base64 of the last 4 KB of the log, when Tail was asked
    request_id: str = ""  # the invocation's id (context.aws_request_id), when it ran
    # The handler's run time, as the REPORT line's Duration: a cold start's Init Duration is
    # not in it (AWS/Lambda Duration is this figure); None when it never ran.
    duration_ms: float | None = None
    # It waited for a busy execution environment of its function while the server's loop
    # never waited (pool.crowded): more concurrent invocations would only wait too.
    queued: bool = False
