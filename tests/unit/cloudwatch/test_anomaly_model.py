"""Headwater's anomaly detection model (anomaly/model.py): mean +/- N population standard
deviations of the two weeks before each period, 5 datapoints needed, excluded ranges left out
of training."""

from __future__ import annotations

import pytest

from headwater.cloudwatch.anomaly.model import MIN_DATAPOINTS, TRAINING, band, trained

HISTORY = [(60.0 * i, v) for i, v in enumerate([10.0, 12.0, 10.0, 12.0, 10.0, 12.0])]


def test_band_from_the_window_before_each_period() -> None:
    upper, lower = band(HISTORY, [300.0, 360.0, 420.0], 2.0)
    # at 300: 10 12 10 12 10 (mean 10.8, pstdev 0.98); at 360 and 420: all six (11 +/- 1)
    assert upper[300.0] == pytest.approx(10.8 + 2 * 0.9797958971)
    assert (upper[360.0], lower[360.0]) == (13.0, 9.0)
    assert (upper[420.0], lower[420.0]) == (13.0, 9.0)


def test_no_band_before_enough_data() -> None:
    upper, lower = band(HISTORY, [0.0, 240.0, 300.0], 2.0)
    assert sorted(upper) == sorted(lower) == [300.0]
    assert not trained(HISTORY[:MIN_DATAPOINTS - 1], 1000.0)
    assert trained(HISTORY, 1000.0)


def test_training_forgets_what_is_older_than_two_weeks() -> None:
    # two weeks after the first datapoint all six are in the window; two minutes later the
    # window [120, ...) holds four, too few for a band
    upper, _ = band(HISTORY, [TRAINING - 60.0, TRAINING + 120.0], 1.0)
    assert sorted(upper) == [TRAINING - 60.0]


def test_excluded_ranges_are_left_out_of_training() -> None:
    spiky = [*HISTORY, (360.0, 1000.0), (420.0, 11.0)]
    upper, _ = band(spiky, [480.0], 0.0, excluded=[(350.0, 370.0)])
    assert upper[480.0] == pytest.approx((66.0 + 11.0) / 7)
