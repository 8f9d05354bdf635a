"""Period buckets and statistics for GetMetricStatistics / GetMetricData."""

from __future__ import annotations

import pytest

from headwater.cloudwatch.errors import InvalidParameterValueException
from headwater.cloudwatch.statistics import buckets, check_stat, compute
from headwater.cloudwatch.store import Series


def test_statistics() -> None:
    values = [4.0, 1.0, 3.0, 2.0]
    assert [compute(s, values) for s in ("SampleCount", "Sum", "Average", "Minimum",
                                         "Maximum")] == [4.0, 10.0, 2.5, 1.0, 4.0]
    assert compute("p50", values) == 2.0
    assert compute("p99", values) == 4.0


def test_buckets_align_to_the_start() -> None:
    series = Series("a", "r", "NS", "M", (), "Count", [100.0, 159.0, 160.0, 400.0],
                    [1.0, 2.0, 3.0, 4.0])
    assert buckets(series, 100.0, 400.0, 60) == {100.0: [1.0, 2.0], 160.0: [3.0]}


def test_unknown_stat() -> None:
    check_stat("p99.9")
    with pytest.raises(InvalidParameterValueException):
        check_stat("Median")
