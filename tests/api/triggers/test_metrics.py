"""Trigger metrics (aws-facts §4.8) at /metrics (Prometheus) and through CloudWatch's
ListMetrics, GetMetricStatistics and GetMetricData (rpc-v2-cbor, as current botocore sends)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import urllib3
from server_support import client
from triggers_support import records, wait_for

from headwater.testing.embedded import wait_for_trigger


@pytest.fixture(scope="module")
def cloudwatch(endpoint: str) -> Any:
    return client("cloudwatch", endpoint)


@pytest.fixture
def processed(ddb: Any, endpoint: str, recording: Callable[[], tuple[str, Path]],
              stream_table: Callable[..., tuple[str, str]],
              make_mapping: Callable[..., dict[str, Any]]) -> tuple[str, str]:
    function, out = recording()
    table, stream_arn = stream_table()
    uuid = make_mapping(FunctionName=function, EventSourceArn=stream_arn,
                        MetricsConfig={"Metrics": ["EventCount"]})["UUID"]
    for key in ("a", "b", "c"):
        ddb.put_item(TableName=table, Item={"pk": {"S": key}})
    wait_for(lambda: len(records(out)) == 3)
    # The handler has written the records before the server counts them as delivered: wait for
    # the count (a fixed 0.1 s sleep here lost that race on a loaded machine).
    wait_for_trigger(endpoint, uuid, records=3)
    return function, uuid


def test_prometheus_series_per_mapping_and_shard(endpoint: str,
                                                 processed: tuple[str, str]) -> None:
    function, uuid = processed
    text = urllib3.PoolManager().request("GET", f"{endpoint}/metrics").data.decode()
    delivered = [line for line in text.splitlines()
                 if line.startswith("headwater_trigger_records_delivered_total{")
                 and f'uuid="{uuid}"' in line]
    assert delivered and all(f'function="{function}"' in line and 'shard="shardId-' in line
                             for line in delivered)
    assert sum(float(line.rsplit(" ", 1)[1]) for line in delivered) == 3
    assert f'headwater_trigger_iterator_age_milliseconds{{function="{function}"' in text
    assert any(line.startswith("headwater_trigger_invocations_total{") and uuid in line
               for line in text.splitlines())


def test_cloudwatch_list_metrics(cloudwatch: Any, processed: tuple[str, str]) -> None:
    function, uuid = processed
    found = cloudwatch.list_metrics(Namespace="AWS/Lambda", Dimensions=[
        {"Name": "FunctionName", "Value": function}])["Metrics"]
    names = {m["MetricName"] for m in found}
    assert {"IteratorAge", "Invocations", "Errors", "Duration"} <= names
    by_mapping = cloudwatch.list_metrics(Namespace="AWS/Lambda", Dimensions=[
        {"Name": "EventSourceMappingUUID", "Value": uuid}])["Metrics"]
    assert any(m["MetricName"] == "InvokedEventCount" for m in by_mapping)


def test_cloudwatch_statistics_and_data(cloudwatch: Any, clock: Any,
                                        processed: tuple[str, str]) -> None:
    function, _ = processed
    now = datetime.fromtimestamp(clock.now(), UTC)
    dims = [{"Name": "FunctionName", "Value": function}]
    stats = cloudwatch.get_metric_statistics(
        Namespace="AWS/Lambda", MetricName="Invocations", Dimensions=dims,
        StartTime=now - timedelta(hours=1), EndTime=now + timedelta(minutes=1), Period=7200,
        Statistics=["Sum", "SampleCount"])
    assert stats["Label"] == "Invocations"
    assert sum(p["Sum"] for p in stats["Datapoints"]) >= 1
    assert all(p["Unit"] == "Count" for p in stats["Datapoints"])
    data = cloudwatch.get_metric_data(
        StartTime=now - timedelta(hours=1), EndTime=now + timedelta(minutes=1),
        MetricDataQueries=[{"Id": "age", "MetricStat": {
            "Metric": {"Namespace": "AWS/Lambda", "MetricName": "IteratorAge",
                       "Dimensions": dims}, "Period": 60, "Stat": "Maximum"}}])
    [result] = data["MetricDataResults"]
    assert result["Id"] == "age" and result["StatusCode"] == "Complete"
    assert result["Values"] and all(v >= 0 for v in result["Values"])
    assert len(result["Timestamps"]) == len(result["Values"])


def test_cloudwatch_errors_are_aws_shaped(cloudwatch: Any) -> None:
    now = datetime.now(UTC)
    with pytest.raises(cloudwatch.exceptions.InvalidParameterCombinationException):
        cloudwatch.get_metric_statistics(Namespace="AWS/Lambda", MetricName="Errors",
                                         StartTime=now - timedelta(hours=1), EndTime=now,
                                         Period=60)


def test_get_records_counts_per_stream(ddb: Any, streams: Any, cloudwatch: Any, endpoint: str,
                                       clock: Any,
                                       stream_table: Callable[..., tuple[str, str]]) -> None:
    table, stream_arn = stream_table()
    for key in ("a", "b"):
        ddb.put_item(TableName=table, Item={"pk": {"S": key}})
    returned = 0
    for shard in streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        returned += len(streams.get_records(ShardIterator=iterator)["Records"])
    assert returned == 2
    label = stream_arn.rsplit("/", 1)[1]
    dims = [{"Name": "Operation", "Value": "GetRecords"}, {"Name": "StreamLabel", "Value": label},
            {"Name": "TableName", "Value": table}]
    now = datetime.fromtimestamp(clock.now(), UTC)
    stats = cloudwatch.get_metric_statistics(
        Namespace="AWS/DynamoDB", MetricName="ReturnedRecordsCount", Dimensions=dims,
        StartTime=now - timedelta(hours=1), EndTime=now + timedelta(minutes=1), Period=7200,
        Statistics=["Sum"])
    assert sum(p["Sum"] for p in stats["Datapoints"]) == 2
    assert cloudwatch.list_metrics(Namespace="AWS/DynamoDB", MetricName="ReturnedBytes",
                                   Dimensions=[{"Name": "TableName", "Value": table}])["Metrics"]
    text = urllib3.PoolManager().request("GET", f"{endpoint}/metrics").data.decode()
    assert f'headwater_stream_returned_records_total{{stream_label="{label}",table="{table}"}} 2.0' \
        in text


@pytest.mark.parametrize("missing", ["Namespace", "MetricName"])
def test_get_metric_data_names_a_metric_stat_without_its_metric(cloudwatch: Any,
                                                               missing: str) -> None:
    """Issue 11: a MetricStat whose Metric lacked Namespace or MetricName (optional in the
    model) answered 500."""
    metric = {"Namespace": "AWS/Lambda", "MetricName": "Invocations"}
    del metric[missing]
    now = datetime.now(UTC)
    with pytest.raises(cloudwatch.exceptions.MissingRequiredParameterException) as caught:
        cloudwatch.get_metric_data(
            MetricDataQueries=[{"Id": "m1", "MetricStat": {"Metric": metric, "Period": 60,
                                                           "Stat": "Sum"}}],
            StartTime=now - timedelta(minutes=5), EndTime=now)
    error = caught.value.response["Error"]
    assert error["Message"] == (
        f"The parameter MetricDataQueries.member.1.MetricStat.Metric.{missing} is required.")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
