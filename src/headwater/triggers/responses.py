"""How a consumer judges a function's answer to one batch: the partial batch response of
ReportBatchItemFailures (aws-facts §4.5) and the `state` a tumbling-window function must return
(aws-facts §4.6).

Success forms: `{"batchItemFailures": []}`, `{"batchItemFailures": null}`, `{}`, `null`, no
return value, a bare `[]`. Anything naming an identifier that is not a sequence number of the
batch (`""`, `null`, `123`), an entry without `itemIdentifier`, or a `batchItemFailures` that is
not a list fails the whole batch with functionError null. Other answers that are neither an
object, null nor an empty list are treated as malformed too [infer: AWS cannot read them].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from headwater.streams.model import format_sequence
from headwater.triggers.invoking import Outcome

OK, PARTIAL, FAILED = "ok", "partial", "failed"
_UNREADABLE = object()


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: str  # OK, PARTIAL (retry from `index`) or FAILED (the whole batch)
    index: int = 0
    function_error: str | None = None  # "Unhandled" etc.; None for a malformed response
    state: Any = None  # the window state returned, when the mapping has tumbling windows
    has_state: bool = False


def _body(payload: bytes) -> Any:
    if not payload.strip():
        return None
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError:
        return _UNREADABLE


def judge(outcome: Outcome, seqs: list[int], report_failures: bool, windowed: bool) -> Verdict:
    """The verdict on one invocation that ran (not refused) for a batch of `seqs`."""
    if outcome.function_error is not None:
        return Verdict(FAILED, function_error=outcome.function_error)
    body = _body(outcome.payload)
    state: Any = None
    if windowed:
        if not isinstance(body, dict) or "state" not in body:
            return Verdict(FAILED)  # aws-facts §4.6: a response without state is a failure
        state = body["state"]
    verdict = _partial(body, seqs) if report_failures else Verdict(OK)
    return Verdict(verdict.kind, verdict.index, verdict.function_error, state, windowed)


def _partial(body: Any, seqs: list[int]) -> Verdict:
    if body is None or body == []:
        return Verdict(OK)
    if not isinstance(body, dict):
        return Verdict(FAILED)
    failures = body.get("batchItemFailures")
    if failures is None:
        return Verdict(OK)
    if not isinstance(failures, list):
        return Verdict(FAILED)
    if not failures:
        return Verdict(OK)
    index_of = {format_sequence(seq): i for i, seq in enumerate(seqs)}
    lowest = len(seqs)
    for entry in failures:
        identifier = entry.get("itemIdentifier") if isinstance(entry, dict) else None
        if not isinstance(identifier, str) or identifier not in index_of:
            return Verdict(FAILED)
        lowest = min(lowest, index_of[identifier])
    return Verdict(PARTIAL, index=lowest)
