"""AWS's storage resolutions by age (GetMetricStatistics / GetMetricData API reference, "Amazon
CloudWatch retains metric data as follows"):

- datapoints with a period under 60 seconds (StorageResolution 1) for 3 hours,
- 1-minute datapoints for 15 days,
- 5-minute datapoints for 63 days,
- 1-hour datapoints for 455 days (15 months);

"Data points that are initially published with a shorter period are aggregated together for
long-term storage." The store rolls its entries up along these tiers as the clock moves
(store.Series.age). Reads follow the API reference's Period rules: when StartTime is more than
3 hours ago the Period must be a multiple of 60, more than 15 days ago of 300, more than 63 days
ago of 3600, "or no data points in that time range is returned" (not an error); GetMetricData
rounds StartTime down to the minute, 5 minutes or hour by the same ages.
"""

from __future__ import annotations

HOUR = 3600
DAY = 24 * HOUR
# (age beyond which entries are kept at `step` seconds, step), youngest first
TIERS: tuple[tuple[float, int], ...] = ((3 * HOUR, 60), (15 * DAY, 300), (63 * DAY, HOUR))
RETENTION = 455 * DAY
# ListMetrics and SEARCH show metrics with datapoints in the past two weeks (ListMetrics API
# reference).
LISTED = 14 * DAY


def step_at(age: float) -> int:
    """The coarsest step data of this age is kept at (1 when younger than 3 hours)."""
    step = 1
    for limit, tier_step in TIERS:
        if age > limit:
            step = tier_step
    return step


def serves(period: int, start: float, now: float) -> bool:
    """Whether a query of `period` starting at `start` gets datapoints."""
    return period % step_at(now - start) == 0


def rounded_start(start: float, now: float, period: int) -> float:
    """GetMetricData's rounding of StartTime: to the minute under 15 days of age (to the period
    for high-resolution periods), to 5 minutes up to 63 days, to the hour beyond."""
    step = max(60, step_at(now - start))
    if step == 60 and period < 60:
        step = period
    return start - start % step
