"""Datapoints at AWS's resolutions as they age (GetMetricStatistics API reference, "Amazon
CloudWatch retains metric data as follows"): high-resolution data for 3 hours, 1-minute data
for 15 days, 5-minute data for 63 days, 1-hour data for 455 days; a Period that does not suit
the age of StartTime gets no datapoints. One server of its own, since its clock travels a year.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from server_support import Server, start_server

DAY = 24 * 3600


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    found = start_server("--in-memory")
    yield found
    found.stop()


def _stats(server: Server, ns: str, start: float, end: float, period: int) -> list[Any]:
    answer = server.client("cloudwatch").get_metric_statistics(
        Namespace=ns, MetricName="M", StartTime=start, EndTime=end, Period=period,
        Statistics=["Sum", "SampleCount", "Minimum", "Maximum"], ExtendedStatistics=["p50"])
    return sorted((p["Timestamp"].timestamp(), p["Sum"], p["SampleCount"], p["Minimum"],
                    p["Maximum"], p["ExtendedStatistics"]["p50"]) for p in answer["Datapoints"])


def _hour(server: Server) -> float:
    """Move the clock to the start of the next hour (plus a second); returns that hour."""
    now = server.now()
    hour = (now // 3600 + 1) * 3600
    server.advance(hour + 1 - now)
    return hour


def test_high_resolution_data_rolls_up_after_3_hours(server: Server) -> None:
    hour = _hour(server)
    server.client("cloudwatch").put_metric_data(Namespace="Hi", MetricData=[
        {"MetricName": "M", "Value": float(v), "Timestamp": hour + s, "StorageResolution": 1}
        for s, v in ((0, 1), (1, 2), (1, 4), (30, 8))])
    server.advance(10)
    assert _stats(server, "Hi", hour, hour + 60, 1) == [
        (hour, 1.0, 1.0, 1.0, 1.0, 1.0), (hour + 1, 6.0, 2.0, 2.0, 4.0, 2.0),
        (hour + 30, 8.0, 1.0, 8.0, 8.0, 8.0)]
    server.advance(3 * 3600 + 60)
    assert _stats(server, "Hi", hour, hour + 60, 1) == []
    assert _stats(server, "Hi", hour, hour + 60, 60) == [(hour, 15.0, 4.0, 1.0, 8.0, 2.0)]


def test_minute_data_rolls_up_to_5_minutes_then_hours_then_goes(server: Server) -> None:
    hour = _hour(server)
    server.client("cloudwatch").put_metric_data(Namespace="Min", MetricData=[
        {"MetricName": "M", "Value": float(minute), "Timestamp": hour + 60 * minute}
        for minute in range(12)])
    server.advance(15 * 60)
    minutes = _stats(server, "Min", hour, hour + 720, 60)
    assert [(p[0], p[1]) for p in minutes] == [(hour + 60 * m, float(m)) for m in range(12)]
    server.advance(16 * DAY)
    assert _stats(server, "Min", hour, hour + 720, 60) == []
    assert _stats(server, "Min", hour, hour + 900, 300) == [
        (hour, 10.0, 5.0, 0.0, 4.0, 2.0), (hour + 300, 35.0, 5.0, 5.0, 9.0, 7.0),
        (hour + 600, 21.0, 2.0, 10.0, 11.0, 10.0)]
    server.advance(48 * DAY)
    assert _stats(server, "Min", hour, hour + 3600, 300) == []
    assert _stats(server, "Min", hour, hour + 3600, 3600) == [
        (hour, 66.0, 12.0, 0.0, 11.0, 5.0)]
    assert [m["MetricName"] for m in server.client("cloudwatch").list_metrics(
        Namespace="Min")["Metrics"]] == []
    server.advance(392 * DAY)
    assert _stats(server, "Min", hour, hour + 3600, 3600) == []


def test_rolled_up_data_survives_a_restart(servers: list[Server], tmp_path: Path) -> None:
    first = start_server("--data-dir", str(tmp_path))
    servers.append(first)
    hour = _hour(first)
    first.client("cloudwatch").put_metric_data(Namespace="Kept", MetricData=[
        {"MetricName": "M", "Value": float(minute), "Timestamp": hour + 60 * minute}
        for minute in range(10)])
    first.advance(16 * DAY)
    expected = [(hour, 10.0, 5.0, 0.0, 4.0, 2.0), (hour + 300, 35.0, 5.0, 5.0, 9.0, 7.0)]
    assert _stats(first, "Kept", hour, hour + 600, 300) == expected
    first.stop()
    with sqlite3.connect(tmp_path / "metrics.db") as db:
        stored = db.execute("SELECT time, value, count FROM points ORDER BY time, value")
        # the minutes were written back as 5-minute entries, one per distinct value
        assert [(t - hour, v, c) for t, v, c in stored] == [
            (0.0 if m < 5 else 300.0, float(m), 1) for m in range(10)]
    second = start_server("--data-dir", str(tmp_path))
    servers.append(second)
    assert _stats(second, "Kept", hour, hour + 600, 300) == expected
    second.advance(48 * DAY)
    assert _stats(second, "Kept", hour, hour + 3600, 3600) == [
        (hour, 45.0, 10.0, 0.0, 9.0, 4.0)]
