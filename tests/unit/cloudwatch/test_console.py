"""The text `headwater metrics` and `headwater alarms` print (cloudwatch/console.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from headwater.cloudwatch.console import alarm_lines, chart, duration, period_for


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("15m", 900), ("1h", 3600),
                                               ("2d", 172800), ("1.5h", 5400)])
def test_duration(text: str, seconds: float) -> None:
    assert duration(text) == seconds


def test_duration_rejects_other_text() -> None:
    with pytest.raises(ValueError, match="not a duration"):
        duration("an hour")


def test_period_keeps_sixty_columns_at_most() -> None:
    assert period_for(3600) == 60
    assert period_for(86400) == 1440
    assert 86400 / period_for(86400) <= 60


def test_chart_rows_bars_and_gaps() -> None:
    rows = chart([0.0, 4.0, None, 8.0], height=2)
    assert rows == ["8 |   █", "4 | █ █", "0 +----", "min 0  max 8  last 8"]
    assert chart([None, None]) == ["(no datapoints)"]


class _Alarms:
    def get_paginator(self, name: str) -> Any:
        assert name == "describe_alarms"
        when = datetime(2026, 12, 5, 18, 3, tzinfo=UTC)
        return type("P", (), {"paginate": staticmethod(lambda **_: [{
            "MetricAlarms": [{"AlarmName": "b-age", "StateValue": "ALARM",
                              "StateUpdatedTimestamp": when, "StateReason": "why"}],
            "CompositeAlarms": [{"AlarmName": "a", "StateValue": "OK",
                                 "StateUpdatedTimestamp": when, "StateReason": "fine"}]}])})()


def test_alarm_lines() -> None:
    assert alarm_lines(_Alarms()) == [
        "OK                a     2026-12-05T18:03:00  fine",
        "ALARM             b-age 2026-12-05T18:03:00  why"]
