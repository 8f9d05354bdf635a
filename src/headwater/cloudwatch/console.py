"""What `headwater alarms` and `headwater metrics` print, from the public CloudWatch API
(DescribeAlarms, GetMetricStatistics) of a running server: one line per alarm, and a small text
chart of one metric."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

BLOCKS = " ▁▂▃▄▅▆▇█"
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_COLUMNS = 60


def duration(text: str) -> float:
    """Seconds in "90s", "15m", "1h", "2d"."""
    found = _DURATION.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"not a duration: {text!r} (use e.g. 90s, 15m, 1h, 2d)")
    return float(found[1]) * _SECONDS[found[2]]


def alarm_lines(client: Any) -> list[str]:
    """Every alarm (metric and composite), name order: state, name, since when, and the last
    transition's reason."""
    alarms: list[dict[str, Any]] = []
    for page in client.get_paginator("describe_alarms").paginate(
            AlarmTypes=["MetricAlarm", "CompositeAlarm"]):
        alarms += page.get("MetricAlarms", []) + page.get("CompositeAlarms", [])
    alarms.sort(key=lambda a: a["AlarmName"])
    if not alarms:
        return ["no alarms"]
    width = max(len(a["AlarmName"]) for a in alarms)
    lines = []
    for alarm in alarms:
        since = alarm["StateUpdatedTimestamp"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        lines.append(f"{alarm['StateValue']:<17} {alarm['AlarmName']:<{width}} {since}  "
                     f"{alarm['StateReason']}")
    return lines


def period_for(since: float) -> int:
    """A period (a multiple of 60 s) giving at most MAX_COLUMNS columns."""
    return int(max(60, math.ceil(since / MAX_COLUMNS / 60) * 60))


def metric_chart(client: Any, namespace: str, metric: str, dimensions: dict[str, str],
                 since: float, now: float, stat: str = "Average", height: int = 8
                 ) -> list[str]:
    period = period_for(since)
    end = math.floor(now / period) * period + period
    start = end - math.ceil(since / period) * period
    answer = client.get_metric_statistics(
        Namespace=namespace, MetricName=metric, StartTime=start, EndTime=end, Period=period,
        Dimensions=[{"Name": k, "Value": v} for k, v in dimensions.items()],
        Statistics=[stat])
    by_start = {p["Timestamp"].timestamp(): p[stat] for p in answer["Datapoints"]}
    columns = [by_start.get(start + i * period) for i in range(int((end - start) // period))]
    title = f"{namespace} {metric}" + "".join(f" {k}={v}" for k, v in dimensions.items())
    unit = next((p.get("Unit") for p in answer["Datapoints"]), None)
    header = f"{title}  {stat} per {period}s" + (f" ({unit})" if unit and unit != "None" else "")
    return [header, *chart(columns, height), _axis(start, end, len(columns))]


def chart(values: Sequence[float | None], height: int = 8) -> list[str]:
    """Rows of a bar chart, top first, each prefixed by its value label; missing periods blank."""
    present = [v for v in values if v is not None]
    if not present:
        return ["(no datapoints)"]
    top = max(present)
    low = min(0.0, min(present))
    span = (top - low) or 1.0
    eighths = [None if v is None else round((v - low) / span * height * 8) for v in values]
    labels = [_label(low + span * (height - row) / height) for row in range(height)]
    label_width = max(len(label) for label in labels)
    rows = []
    for row in range(height):
        floor = (height - row - 1) * 8
        cells = []
        for filled in eighths:
            if filled is None or filled <= floor:
                cells.append(" ")
            else:
                cells.append(BLOCKS[min(8, filled - floor)])
        rows.append(f"{labels[row]:>{label_width}} |{''.join(cells)}")
    rows.append(f"{_label(low):>{label_width}} +{'-' * len(values)}")
    last = next((v for v in reversed(values) if v is not None), None)
    rows.append(f"min {_label(min(present))}  max {_label(top)}  last {_label(last or 0.0)}")
    return rows


def _axis(start: float, end: float, columns: int) -> str:
    first = datetime.fromtimestamp(start, UTC).strftime("%H:%M")
    last = datetime.fromtimestamp(end, UTC).strftime("%H:%M UTC")
    return f"{first}{' ' * max(1, columns - len(first) - len(last) + 8)}{last}"


def _label(value: float) -> str:
    return f"{value:.6g}"
