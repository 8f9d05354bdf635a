"""An event source mapping as stored and as the API echoes it (aws-facts §3.2, §3.3).

`config` holds the members the API returns, with AWS's DynamoDB defaults filled in, stored and
echoed exactly as given; the consumers read the stream-processing controls through the
properties below. `enabled` is the state the user asked
for; `state` is where the state machine is now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# aws-facts §3.3: the members every DynamoDB mapping response carries, with their defaults.
DEFAULTS: dict[str, Any] = {
    "BatchSize": 100,
    "BisectBatchOnFunctionError": False,
    "DestinationConfig": {"OnFailure": {}},
    "FunctionResponseTypes": [],
    "MaximumBatchingWindowInSeconds": 0,
    "MaximumRecordAgeInSeconds": -1,
    "MaximumRetryAttempts": -1,
    "ParallelizationFactor": 1,
    "TumblingWindowInSeconds": 0,
}
# Members that appear only when set (aws-facts §3.3).
OPTIONAL = ("FilterCriteria", "MetricsConfig", "KMSKeyArn", "LoggingConfig")
UPDATABLE = tuple(DEFAULTS) + OPTIONAL

# States (model enum EventSourceMappingState); the targets a transition settles in.
CREATING, ENABLING, ENABLED = "Creating", "Enabling", "Enabled"
DISABLING, DISABLED, UPDATING, DELETING = "Disabling", "Disabled", "Updating", "Deleting"
BUSY = frozenset({CREATING, ENABLING, DISABLING, UPDATING, DELETING})
USER_ACTION = "User action"
NO_RECORDS = "No records processed"
OK = "OK"
FUNCTION_FAILED = "PROBLEM: Function call failed"


@dataclass(slots=True)
class Mapping:
    uuid: str
    account: str
    region: str
    function_arn: str
    source_arn: str
    config: dict[str, Any]
    state: str
    last_modified: float
    last_result: str
    start_after: int
    created: float
    enabled: bool = True
    generation: int = field(default=0, compare=False)

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account}:event-source-mapping:{self.uuid}"

    @property
    def batch_size(self) -> int:
        return int(self.config["BatchSize"])

    @property
    def window(self) -> float:
        return float(self.config["MaximumBatchingWindowInSeconds"])

    @property
    def max_retries(self) -> int:
        return int(self.config["MaximumRetryAttempts"])

    @property
    def max_age(self) -> int:
        return int(self.config["MaximumRecordAgeInSeconds"])

    @property
    def bisect(self) -> bool:
        return bool(self.config["BisectBatchOnFunctionError"])

    @property
    def reports_failures(self) -> bool:
        return "ReportBatchItemFailures" in (self.config.get("FunctionResponseTypes") or [])

    @property
    def parallelization(self) -> int:
        return max(1, int(self.config["ParallelizationFactor"]))

    @property
    def tumbling_window(self) -> int:
        return int(self.config["TumblingWindowInSeconds"])

    @property
    def filters(self) -> list[dict[str, Any]]:
        criteria = self.config.get("FilterCriteria") or {}
        return [f for f in criteria.get("Filters") or [] if f.get("Pattern") is not None]

    @property
    def counts_events(self) -> bool:
        metrics = self.config.get("MetricsConfig") or {}
        return "EventCount" in (metrics.get("Metrics") or [])

    @property
    def on_failure(self) -> str | None:
        destination = self.config["DestinationConfig"].get("OnFailure", {}).get("Destination")
        return destination or None

    @property
    def function_name(self) -> str:
        return self.function_arn.split(":")[6]

    @property
    def qualifier(self) -> str | None:
        parts = self.function_arn.split(":")
        return parts[7] if len(parts) > 7 else None

    def settled_state(self) -> str:
        return ENABLED if self.enabled else DISABLED

    def runs(self) -> bool:
        """Whether consumers should be running for this mapping now."""
        return self.enabled and self.state != DELETING

    def response(self) -> dict[str, Any]:
        out = dict(self.config)
        out.update(
            EventSourceArn=self.source_arn,
            EventSourceMappingArn=self.arn,
            FunctionArn=self.function_arn,
            LastModified=self.last_modified,
            LastProcessingResult=self.last_result,
            State=self.state,
            StateTransitionReason=USER_ACTION,
            UUID=self.uuid,
        )
        return dict(sorted(out.items()))
