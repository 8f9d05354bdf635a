"""Aggregating datapoints into periods: SampleCount, Sum, Average, Minimum, Maximum and
percentiles (pNN / pNN.N), as GetMetricStatistics and GetMetricData compute them."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from headwater.cloudwatch.errors import InvalidParameterValueException
from headwater.cloudwatch.store import Series

BASIC = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
_PERCENTILE = re.compile(r"p(\d{1,2}(?:\.\d+)?|100)")


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
    data = list(values)
    if stat == "SampleCount":
        return float(len(data))
    if stat == "Sum":
        return float(sum(data))
    if stat == "Average":
        return float(sum(data) / len(data))
    if stat == "Minimum":
        return float(min(data))
    if stat == "Maximum":
        return float(max(data))
    rank = float(stat[1:]) / 100
    ordered = sorted(data)
    index = max(0, math.ceil(rank * len(ordered)) - 1)
    return float(ordered[index])
