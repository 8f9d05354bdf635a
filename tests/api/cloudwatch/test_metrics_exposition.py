"""CloudWatch datapoints at GET /metrics (Prometheus text), beside the process and component
counters: the statistics of each metric's latest datapoint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import urllib3
from server_support import Clock


def test_latest_datapoint_of_each_metric(cloudwatch: Any, clock: Clock, endpoint: str,
                                         unique: Callable[[str], str]) -> None:
    ns = unique("Expo")
    minute = clock.now() // 60 * 60
    cloudwatch.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "Jobs", "Dimensions": [{"Name": "Queue", "Value": "q1"}],
         "Timestamp": minute - 60, "Value": 100.0, "Unit": "Count"},
        {"MetricName": "Jobs", "Dimensions": [{"Name": "Queue", "Value": "q1"}],
         "Timestamp": minute, "Values": [2.0, 5.0], "Counts": [3, 1], "Unit": "Count"}])
    text = urllib3.PoolManager().request("GET", f"{endpoint}/metrics").data.decode()
    labels = (f'account="000000000000",dimensions="Queue=q1",metric_name="Jobs",'
              f'namespace="{ns}",region="us-east-1",unit="Count"')
    lines = {line.rpartition(" ")[0]: float(line.rpartition(" ")[2])
             for line in text.splitlines() if f'namespace="{ns}"' in line}
    assert lines == {
        f"headwater_cloudwatch_latest_sum{{{labels}}}": 11.0,
        f"headwater_cloudwatch_latest_sample_count{{{labels}}}": 4.0,
        f"headwater_cloudwatch_latest_minimum{{{labels}}}": 2.0,
        f"headwater_cloudwatch_latest_maximum{{{labels}}}": 5.0,
        f"headwater_cloudwatch_latest_timestamp_seconds{{{labels}}}": minute,
    }
    assert "# TYPE headwater_cloudwatch_latest_sum gauge" in text
