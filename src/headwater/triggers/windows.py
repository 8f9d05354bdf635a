"""Tumbling windows (aws-facts §4.6): windows aligned to multiples of TumblingWindowInSeconds
on the records' arrival time, the extra members of a windowed event, and the 1 MB state limit.
The consumer owns the flow: it opens a window with the first record that falls in it, carries
the returned `state` between invocations, and closes it with a final invocation when the clock
passes its end, a record of a later window arrives, the shard ends, or the state outgrows 1 MB
(`isWindowTerminatedEarly`). The checkpoint moves past a window's records only once its final
invocation succeeds, so a restart replays the open window from `{}`.

Deviation: a mapping with tumbling windows runs one lane per shard whatever its
ParallelizationFactor, since the window state belongs to the shard (aws-facts §4.6 speaks of
state "per shard")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

MAX_STATE = 1024 * 1024


def window_start(created: float, length: int) -> float:
    return float(int(created // length) * length)


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(int(moment), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class Window:
    start: float
    end: float
    state: Any = field(default_factory=dict)
    seqs: list[int] = field(default_factory=list)  # records finished inside the window

    def too_big(self) -> bool:
        return len(orjson.dumps(self.state)) > MAX_STATE

    def members(self, shard_id: str, source_arn: str, final: bool, early: bool) -> bytes:
        """The members after `Records`, as a JSON fragment starting with a comma."""
        extra = {
            "window": {"start": _iso(self.start), "end": _iso(self.end)},
            "state": self.state,
            "shardId": shard_id,
            "eventSourceARN": source_arn,
            "isFinalInvokeForWindow": final,
            "isWindowTerminatedEarly": early,
        }
        return b"," + orjson.dumps(extra)[1:-1]
