"""Aggregating datapoints into periods: SampleCount, Sum, Average, Minimum, Maximum,
percentiles (pNN / pNN.N) and trimmed means (tmNN), as GetMetricStatistics and GetMetricData
compute them."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from headwater.cloudwatch.errors import (
    InvalidParameterCombinationException,
    InvalidParameterValueException,
)
from headwater.cloudwatch.store import Series

BASIC = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
_PERCENTILE = re.compile(r"(?:p|tm)(\d{1,2}(?:\.\d+)?|100)")


def check_stat(stat: str) -> None:
    if stat not in BASIC and not _PERCENTILE.fullmatch(stat):
        raise InvalidParameterValueException(f"The value {stat} for parameter Stat is not valid.")


def buckets(series: Series, start: float, end: float, period: int
            ) -> dict[float, list[float]]:
    """Values by period start (periods aligned to `start`)."""
    out: dict[float, list[float]] = {}
    for moment, value in series.between(start, end):
        bucket = start + math.floor((moment - start) / period) * period
        out.setdefault(bucket, []).append(value)
    return out


def compute(stat: str, values: Iterable[float]) -> float:
    data = StatSet()
    for value in values:
        data.add(value, 1)
    return compute_set(stat, data)


@dataclass(slots=True)
class StatSet:
    """One period's datapoints as a statistic set, with the values (and how often each
    occurred) for percentiles."""
    count: int = 0
    total: float = 0.0
    minimum: float = math.inf
    maximum: float = -math.inf
    values: list[tuple[float, int]] = field(default_factory=list)

    def add(self, value: float, count: int) -> None:
        self.count += count
        self.total += value * count
        self.minimum = min(self.minimum, value)
        self.maximum = max(self.maximum, value)
        self.values.append((value, count))


def aggregate(series: Series, start: float, end: float, period: int) -> dict[float, StatSet]:
    """Statistic sets by period start (periods aligned to `start`), without expanding the
    stored entries into single datapoints."""
    out: dict[float, StatSet] = {}
    for moment, value, count in series.entries_between(start, end):
        bucket = start + math.floor((moment - start) / period) * period
        found = out.get(bucket)
        if found is None:
            found = out[bucket] = StatSet()
        found.add(value, count)
    return out


def compute_set(stat: str, data: StatSet) -> float:
    """`stat` of a statistic set: the basic five, pNN and tmNN (the mean of the values at or
    below the NN-th percentile)."""
    if stat == "SampleCount":
        return float(data.count)
    if stat == "Sum":
        return float(data.total)
    if stat == "Average":
        return float(data.total / data.count)
    if stat == "Minimum":
        return float(data.minimum)
    if stat == "Maximum":
        return float(data.maximum)
    trimmed = stat.startswith("tm")
    rank = float(stat[2:] if trimmed else stat[1:]) / 100
    ordered = sorted(data.values)
    wanted = max(1, math.ceil(rank * data.count))
    seen, total = 0, 0.0
    for value, count in ordered:
        take = min(count, wanted - seen)
        seen += take
        total += value * take
        if seen >= wanted:
            return float(total / seen) if trimmed else float(value)
    return float(ordered[-1][0])


MAX_DATAPOINTS = 1440


def check_period(period: int, start: float, end: float) -> None:
    """GetMetricStatistics' period rules: 1, 5, 10, 30 or a multiple of 60 seconds, and at
    most 1,440 datapoints per call."""
    if period not in (1, 5, 10, 30) and (period <= 0 or period % 60):
        raise InvalidParameterValueException(
            "The parameter Period must be a multiple of 60.")
    wanted = math.ceil((end - start) / period)
    if wanted > MAX_DATAPOINTS:
        raise InvalidParameterCombinationException(
            f"You have requested up to {wanted:,} datapoints, which exceeds the limit of "
            f"{MAX_DATAPOINTS:,}. You may reduce the datapoints requested by increasing "
            "Period, or decreasing the time range.")
