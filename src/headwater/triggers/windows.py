"""Tumbling windows (aws-facts §4.6): windows aligned to multiples of TumblingWindowInSeconds
on the records' arrival time, the extra members of a windowed event, and the 1 MB state limit.
The consumer owns the flow: it opens a window with the first record that falls in it, carries
the returned `state` between invocations, and closes it with a final invocation when the clock
passes its end, a record of a later window arrives, the shard ends, or the state outgrows 1 MB
(`isWindowTerminatedEarly`).

Durable windows (DESIGN.md principle 5): after each successful invocation the checkpoint moves
past the batch and the window (start, end, returned state) is saved with it, in one
transaction; the final invocation's success clears it. A consumer that starts (restart,
disable/enable, update) restores the window and goes on after the checkpoint, so the state the
function receives always covers exactly the window's records up to the checkpoint. After a
SIGKILL the one invocation in flight is sent again with the state it was first sent with (its
answer was never saved); after SIGTERM, disable or update nothing is sent twice.

A restored window whose length no longer matches the mapping (TumblingWindowInSeconds changed,
or set to 0) is closed first, with its own start and end and saved state, as a final
invocation; `isWindowTerminatedEarly` is true when that happens before its end. AWS documents
nothing here [infer: least surprising; the accumulated state is handed over, not dropped].
With windows turned off that final invocation need not return `state`.

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

    def blob(self) -> bytes:
        """What the checkpoint row keeps (store.save_checkpoint)."""
        return orjson.dumps({"start": self.start, "end": self.end, "state": self.state})

    @classmethod
    def from_blob(cls, blob: bytes) -> Window:
        saved = orjson.loads(blob)
        return cls(float(saved["start"]), float(saved["end"]), saved["state"])

    def length(self) -> int:
        return round(self.end - self.start)

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
