"""Headwater's anomaly detection model (a documented stand-in for CloudWatch's machine-learning
model, user guide "Using CloudWatch anomaly detection"): the expected value of a metric at a
period is the mean of the statistic over the TRAINING window before it (AWS trains on up to
two weeks of data), and the band is that mean plus and minus `width` population standard
deviations. Datapoints inside the detector's ExcludedTimeRanges are left out of training. A
period gets no band until the window holds MIN_DATAPOINTS datapoints ("needs data": AWS shows
no band while the model is pending training). No seasonality or trend is modelled.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

TRAINING = 14 * 24 * 3600.0
MIN_DATAPOINTS = 5


def band(history: Sequence[tuple[float, float]], moments: Sequence[float], width: float,
         excluded: Sequence[tuple[float, float]] = ()) -> tuple[dict[float, float],
                                                                  dict[float, float]]:
    """(upper, lower) datapoints at `moments` from `history`, (timestamp, value) oldest
    first."""
    kept = [(t, v) for t, v in history
            if math.isfinite(v) and not any(a <= t < b for a, b in excluded)]
    times = [t for t, _ in kept]
    sums, squares = [0.0], [0.0]
    for _, value in kept:
        sums.append(sums[-1] + value)
        squares.append(squares[-1] + value * value)
    upper: dict[float, float] = {}
    lower: dict[float, float] = {}
    for moment in moments:
        lo = bisect.bisect_left(times, moment - TRAINING)
        hi = bisect.bisect_left(times, moment)
        count = hi - lo
        if count < MIN_DATAPOINTS:
            continue
        mean = (sums[hi] - sums[lo]) / count
        variance = max(0.0, (squares[hi] - squares[lo]) / count - mean * mean)
        spread = width * math.sqrt(variance)
        upper[moment] = mean + spread
        lower[moment] = mean - spread
    return upper, lower


def trained(history: Sequence[tuple[float, float]], now: float) -> bool:
    """Whether the window before `now` holds enough datapoints for a band."""
    return sum(1 for t, _ in history if now - TRAINING <= t < now) >= MIN_DATAPOINTS
