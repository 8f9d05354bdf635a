"""Metrics survive a restart (kept in the data directory's metrics.db) and expire after
15 days of clock time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from server_support import Server, start_server, wait_for


def _sum(server: Server, table: str) -> float | None:
    now = server.now()
    points = server.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/DynamoDB", MetricName="ConsumedWriteCapacityUnits",
        Dimensions=[{"Name": "TableName", "Value": table}], StartTime=now - 1800,
        EndTime=now + 1800, Period=3600, Statistics=["Sum"])["Datapoints"]
    return points[0]["Sum"] if points else None


def _write(server: Server, n: int) -> Any:
    ddb = server.client("dynamodb")
    ddb.create_table(TableName="tbl", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    for i in range(n):
        ddb.put_item(TableName="tbl", Item={"pk": {"S": f"k{i}"}})
    return ddb


def test_metrics_survive_a_restart(servers: list[Server], tmp_path: Path) -> None:
    first = start_server("--data-dir", str(tmp_path))
    servers.append(first)
    _write(first, 7)
    first.client("cloudwatch").put_metric_data(Namespace="Mine", MetricData=[
        {"MetricName": "M", "Value": 3.5}])
    assert _sum(first, "tbl") == 7
    first.stop()
    second = start_server("--data-dir", str(tmp_path))
    servers.append(second)
    assert _sum(second, "tbl") == 7
    second.client("dynamodb").put_item(TableName="tbl", Item={"pk": {"S": "more"}})
    assert _sum(second, "tbl") == 8
    listed = second.client("cloudwatch").list_metrics(Namespace="Mine")["Metrics"]
    assert [m["MetricName"] for m in listed] == ["M"]


def test_metrics_expire_after_15_days(servers: list[Server]) -> None:
    server = start_server("--in-memory")
    servers.append(server)
    _write(server, 2)
    assert _sum(server, "tbl") == 2
    server.advance(15 * 24 * 3600 + 3600)
    assert server.client("cloudwatch").list_metrics(
        Namespace="AWS/DynamoDB", MetricName="ConsumedWriteCapacityUnits")["Metrics"] == []


def test_time_to_live_deletions_are_counted(servers: list[Server]) -> None:
    server = start_server("--in-memory")
    servers.append(server)
    ddb = _write(server, 0)
    ddb.update_time_to_live(TableName="tbl", TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expires"})
    now = int(server.now())
    for i in range(3):
        ddb.put_item(TableName="tbl", Item={"pk": {"S": f"e{i}"}, "expires": {"N": str(now + 60)}})
    ddb.put_item(TableName="tbl", Item={"pk": {"S": "kept"}, "expires": {"N": str(now + 9999)}})
    server.advance(120)
    wait_for(lambda: ddb.scan(TableName="tbl", Select="COUNT")["Count"] == 1)
    moment = server.now()
    points = server.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/DynamoDB", MetricName="TimeToLiveDeletedItemCount",
        Dimensions=[{"Name": "TableName", "Value": "tbl"}], StartTime=moment - 1800,
        EndTime=moment + 1800, Period=3600, Statistics=["Sum"])["Datapoints"]
    assert [p["Sum"] for p in points] == [3]
