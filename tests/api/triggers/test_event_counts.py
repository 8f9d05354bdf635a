"""MetricsConfig EventCount (aws-facts §4.8): a mapping's polled, filtered-out, invoked,
failed and dropped event counts at /metrics and in CloudWatch, and none without it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import urllib3
from controls_support import CONTROLS_HANDLER
from server_support import client
from triggers_support import events, wait_for

KEEP = json.dumps({"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "keep"}]}}}})


def event_counts(endpoint: str, uuid: str) -> dict[str, float]:
    text = urllib3.PoolManager().request("GET", f"{endpoint}/metrics").data.decode()
    counts: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("headwater_trigger_events_total{") and f'uuid="{uuid}"' in line:
            kind = line.split('kind="', 1)[1].split('"', 1)[0]
            counts[kind] = counts.get(kind, 0) + float(line.rsplit(" ", 1)[1])
    return counts


def test_event_counts_at_metrics_and_in_cloudwatch(
        endpoint: str, ddb: Any, clock: Any, make_function: Callable[..., str], tmp_path: Path,
        stream_table: Callable[..., tuple[str, str]],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    out = tmp_path / "events.jsonl"
    function = make_function(CONTROLS_HANDLER, env={"OUT": str(out)})
    table, stream_arn = stream_table()
    uuid = make_mapping(FunctionName=function, EventSourceArn=stream_arn, BatchSize=1,
                        MaximumRetryAttempts=0, FilterCriteria={"Filters": [{"Pattern": KEEP}]},
                        MetricsConfig={"Metrics": ["EventCount"]})["UUID"]
    for key in ("keep-1", "drop-1", "keep-2", "drop-2", "drop-3"):
        ddb.put_item(TableName=table, Item={"pk": {"S": key}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "keep-poison"}, "poison": {"BOOL": True}})
    expected = {"polled": 6, "filtered_out": 3, "invoked": 3, "failed_invoke": 1, "dropped": 1}
    wait_for(lambda: event_counts(endpoint, uuid) == expected)
    assert len(events(out)) == 3
    cloudwatch = client("cloudwatch", endpoint)
    now = datetime.fromtimestamp(clock.now(), UTC)
    for name, value in (("PolledEventCount", 6), ("FilteredOutEventCount", 3),
                        ("InvokedEventCount", 3), ("FailedInvokeEventCount", 1),
                        ("DroppedEventCount", 1)):
        stats = cloudwatch.get_metric_statistics(
            Namespace="AWS/Lambda", MetricName=name,
            Dimensions=[{"Name": "EventSourceMappingUUID", "Value": uuid}],
            StartTime=now - timedelta(hours=1), EndTime=now + timedelta(minutes=1),
            Period=7200, Statistics=["Sum"])
        assert sum(p["Sum"] for p in stats["Datapoints"]) == value, name


def test_no_event_counts_without_metrics_config(
        endpoint: str, ddb: Any, make_function: Callable[..., str], tmp_path: Path,
        stream_table: Callable[..., tuple[str, str]],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    out = tmp_path / "events.jsonl"
    function = make_function(CONTROLS_HANDLER, env={"OUT": str(out)})
    table, stream_arn = stream_table()
    uuid = make_mapping(FunctionName=function, EventSourceArn=stream_arn)["UUID"]
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}})
    wait_for(lambda: events(out))
    assert event_counts(endpoint, uuid) == {}
