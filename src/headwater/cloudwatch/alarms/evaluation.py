"""How a metric alarm's state follows from its datapoints (pure; CloudWatch User Guide,
"Evaluating an alarm" and "Configuring how CloudWatch alarms treat missing data").

CloudWatch looks at an evaluation range a little longer than EvaluationPeriods (N). When the
range holds at least N real datapoints, the N most recent decide: ALARM when DatapointsToAlarm
(M) of them breach, OK otherwise, and TreatMissingData plays no part. With fewer, missing
datapoints fill up to N as TreatMissingData says: `breaching` and `notBreaching` count them as
such; `ignore` keeps the current state unless the real datapoints decide the outcome whatever
the missing ones were; `missing` does the same but goes to INSUFFICIENT_DATA when no datapoint
is present, and to ALARM when every present one breaches (the guide's table: "- - X - -" is
ALARM under missing, "Retain current state" under ignore, OK under notBreaching).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

EXTRA_PERIODS = 2  # the evaluation range reaches this many periods beyond EvaluationPeriods
COMPARISONS: dict[str, tuple[Callable[[float, float], bool], str]] = {
    "GreaterThanOrEqualToThreshold": (operator.ge, "greater than or equal to"),
    "GreaterThanThreshold": (operator.gt, "greater than"),
    "LessThanThreshold": (operator.lt, "less than"),
    "LessThanOrEqualToThreshold": (operator.le, "less than or equal to"),
}
# Anomaly detection alarms compare with the band an ANOMALY_DETECTION_BAND query gives
# (PutMetricAlarm ThresholdMetricId), period by period.
BAND_COMPARISONS: dict[str, tuple[Callable[[float, float, float], bool], str]] = {
    "LessThanLowerOrGreaterThanUpperThreshold": (
        lambda v, lo, hi: v < lo or v > hi,
        "less than the lower thresholds [{lower}] or greater than the upper thresholds "
        "[{upper}]"),
    "GreaterThanUpperThreshold": (lambda v, lo, hi: v > hi,
                                  "greater than the upper thresholds [{upper}]"),
    "LessThanLowerThreshold": (lambda v, lo, hi: v < lo,
                               "less than the lower thresholds [{lower}]"),
}
MISSING_TREATMENTS = ("breaching", "notBreaching", "ignore", "missing")
ALARM, OK, INSUFFICIENT = "ALARM", "OK", "INSUFFICIENT_DATA"


@dataclass(frozen=True, slots=True)
class Rule:
    comparison: str
    threshold: float
    evaluation_periods: int
    datapoints_to_alarm: int
    treat_missing: str = "missing"
    # (lower, upper) by period start, for the band comparisons
    bands: Mapping[float, tuple[float, float]] | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """The state the datapoints call for (None: keep the current one) and why."""
    state: str | None
    reason: str
    evaluated: list[tuple[float, float]] = field(default_factory=list)


def breaches(rule: Rule, moment: float, value: float) -> bool:
    if rule.comparison in BAND_COMPARISONS:
        lower, upper = (rule.bands or {}).get(moment, (math.nan, math.nan))
        return BAND_COMPARISONS[rule.comparison][0](value, lower, upper)
    return COMPARISONS[rule.comparison][0](value, rule.threshold)


def evaluate(rule: Rule, points: Sequence[tuple[float, float | None]]) -> Outcome:
    """`points`: (period start, value or None when missing), oldest first, over the
    evaluation range."""
    n, m = rule.evaluation_periods, rule.datapoints_to_alarm
    real = [(t, v) for t, v in points if v is not None]
    if len(real) >= n:
        window = real[-n:]
        hits = sum(breaches(rule, t, v) for t, v in window)
        return _crossed(rule, ALARM if hits >= m else OK, window, hits)
    hits = sum(breaches(rule, t, v) for t, v in real)
    filled = n - len(real)
    treat = rule.treat_missing
    if treat in ("breaching", "notBreaching"):
        if treat == "breaching":
            hits += filled
        state = ALARM if hits >= m else OK
        if not real:
            return Outcome(state, _no_data(n, treat))
        return _crossed(rule, state, real, hits)
    if not real:
        if treat == "ignore":
            return Outcome(None, "")
        return Outcome(INSUFFICIENT, f"Insufficient Data: {_count(n, 'datapoint')} "
                                     f"{'was' if n == 1 else 'were'} unknown.")
    if hits >= m or (treat == "missing" and hits == len(real)):
        return _crossed(rule, ALARM, real, hits)
    if hits + filled < m or treat == "missing":
        return _crossed(rule, OK, real, hits)
    return Outcome(None, "")


def _crossed(rule: Rule, state: str, window: list[tuple[float, float]], hits: int
             ) -> Outcome:
    """AWS's wording: "Threshold Crossed: 1 out of the last 1 datapoints [5.0 (05/12/26
    18:00:00)] was greater than the threshold (1.0) (minimum 1 datapoint for OK -> ALARM
    transition).", datapoints newest first."""
    shown = ", ".join(f"{v!r} ({_stamp(t)})" for t, v in reversed(window))
    if rule.comparison in BAND_COMPARISONS:
        return _band_crossed(rule, state, window, hits, shown)
    count, was, verb, tail = _tally(rule, state, len(window), hits,
                                    COMPARISONS[rule.comparison][1])
    reason = (f"Threshold Crossed: {count} out of the last {len(window)} datapoints [{shown}] "
              f"{was} {verb} the threshold ({float(rule.threshold)!r}) {tail}")
    return Outcome(state, reason, list(window))


def _band_crossed(rule: Rule, state: str, window: list[tuple[float, float]], hits: int,
                  shown: str) -> Outcome:
    """Anomaly detection alarms' wording: "Thresholds Crossed: 1 out of the last 1 datapoints
    [9.0 (05/12/26 18:00:00)] was greater than the upper thresholds [4.2] (minimum 1 datapoint
    for OK -> ALARM transition).", the band values of the same periods, newest first."""
    bands = rule.bands or {}
    upper = ", ".join(repr(bands[t][1]) for t, _ in reversed(window) if t in bands)
    lower = ", ".join(repr(bands[t][0]) for t, _ in reversed(window) if t in bands)
    words = BAND_COMPARISONS[rule.comparison][1].format(upper=upper, lower=lower)
    count, was, verb, tail = _tally(rule, state, len(window), hits, words)
    reason = (f"Thresholds Crossed: {count} out of the last {len(window)} datapoints "
              f"[{shown}] {was} {verb} {tail}")
    return Outcome(state, reason, list(window))


def _tally(rule: Rule, state: str, size: int, hits: int, words: str
           ) -> tuple[int, str, str, str]:
    """(count, "was"/"were", verb, "(minimum N datapoints for X -> Y transition).") of a
    crossing reason: the breaching datapoints into ALARM, the others out of it."""
    m = rule.datapoints_to_alarm
    if state == ALARM:
        count, verb, minimum, arrow = hits, words, m, "OK -> ALARM"
    else:
        count, verb = size - hits, f"not {words}"
        minimum, arrow = rule.evaluation_periods - m + 1, "ALARM -> OK"
    was = "was" if count == 1 else "were"
    return count, was, verb, f"(minimum {_count(minimum, 'datapoint')} for {arrow} transition)."


def _no_data(n: int, treat: str) -> str:
    label = "Breaching" if treat == "breaching" else "NonBreaching"
    return (f"Threshold Crossed: no datapoints were received for {_count(n, 'period')} and "
            f"{_count(n, 'missing datapoint')} {'was' if n == 1 else 'were'} treated as "
            f"[{label}].")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _stamp(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%d/%m/%y %H:%M:%S")


def iso(moment: float) -> str:
    """ReasonData's timestamps: 2026-12-05T18:00:00.000+0000."""
    when = datetime.fromtimestamp(moment, UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}+0000"


def reason_data(rule: Rule, stat: str, period: int, now: float, start: float,
                outcome: Outcome) -> dict[str, Any]:
    return {
        "version": "1.0", "queryDate": iso(now), "startDate": iso(start), "statistic": stat,
        "period": period, "recentDatapoints": [v for _, v in outcome.evaluated],
        **({} if rule.bands is not None else {"threshold": float(rule.threshold)}),
        "evaluatedDatapoints": [{"timestamp": iso(t), "value": v}
                                for t, v in reversed(outcome.evaluated)],
    }
