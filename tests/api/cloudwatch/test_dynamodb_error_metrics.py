"""AWS/DynamoDB UserErrors and SuccessfulRequestLatency as the developer guide defines them:
UserErrors counts every HTTP 400 answer of DynamoDB or DynamoDB Streams, refused before the
operation runs (bad JSON, unknown operation, a value the model forbids, a bad signature) or by
it, except ProvisionedThroughputExceededException and ConditionalCheckFailedException;
SuccessfulRequestLatency is reported for the data-plane operations only (the Operation
dimension's values), GetRecords included."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from server_support import Raw, Server, serving_with_credentials

NS = "AWS/DynamoDB"


def _user_errors(stats: Callable[..., dict[str, Any]]) -> float:
    return float(stats(NS, "UserErrors", {}).get("Sum", 0))


def test_refusals_before_the_operation_are_user_errors(
        ddb: Any, streams: Any, raw: Raw, make_table: Callable[..., str],
        stats: Callable[..., dict[str, Any]]) -> None:
    table = make_table()
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}})
    before = _user_errors(stats)
    assert raw.op("PutItem", b"{not json")[0] == 400  # SerializationException
    assert raw.op("NoSuchOperation", {})[0] == 400  # UnknownOperationException
    status, body = raw.op("GetItem", {"TableName": "bad name!", "Key": {"pk": {"S": "k"}}})
    assert (status, body["__type"].rpartition("#")[2]) == (400, "ValidationException")
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.get_item(TableName=table + "-missing", Key={"pk": {"S": "k"}})
    with pytest.raises(streams.exceptions.ResourceNotFoundException):
        streams.describe_stream(StreamArn=f"arn:aws:dynamodb:us-east-1:000000000000:table/"
                                          f"{table}/stream/2026-01-01T00:00:00.000")
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):  # not a user error
        ddb.put_item(TableName=table, Item={"pk": {"S": "k"}},
                     ConditionExpression="attribute_not_exists(pk)")
    assert _user_errors(stats) == before + 5


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serving_with_credentials(tmp_path_factory.mktemp("signed"), """\
[alice]
aws_access_key_id = AKIDALICE
aws_secret_access_key = alice-secret
""")


def test_bad_signatures_are_user_errors(signed: Server) -> None:
    alice = {"aws_access_key_id": "AKIDALICE", "aws_secret_access_key": "alice-secret"}
    forged = signed.client("dynamodb", aws_access_key_id="AKIDALICE",
                           aws_secret_access_key="wrong")
    for _ in range(3):
        with pytest.raises(forged.exceptions.ClientError):
            forged.list_tables()
    # The clock endpoint wants a signature too: a two-day window around the server's start
    # (its clock is not moved) holds every datapoint it has.
    now = time.time()
    points = signed.client("cloudwatch", **alice).get_metric_statistics(
        Namespace=NS, MetricName="UserErrors", StartTime=now - 86400, EndTime=now + 86400,
        Period=172800, Statistics=["Sum"])["Datapoints"]
    assert [p["Sum"] for p in points] == [3.0]


def test_latency_for_data_plane_operations_only(
        ddb: Any, streams: Any, make_table: Callable[..., str], cloudwatch: Any,
        stats: Callable[..., dict[str, Any]]) -> None:
    table = make_table(StreamSpecification={"StreamEnabled": True,
                                            "StreamViewType": "NEW_IMAGE"})
    ddb.describe_table(TableName=table)
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}})
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    streams.get_records(ShardIterator=iterator)
    listed = cloudwatch.list_metrics(Namespace=NS, MetricName="SuccessfulRequestLatency",
                                     Dimensions=[{"Name": "TableName", "Value": table}])
    operations = sorted(d["Value"] for m in listed["Metrics"] for d in m["Dimensions"]
                        if d["Name"] == "Operation")
    assert operations == ["GetRecords", "PutItem"]
    latency = stats(NS, "SuccessfulRequestLatency",
                    {"TableName": table, "Operation": "GetRecords"})
    assert latency["SampleCount"] == 1 and latency["Unit"] == "Milliseconds"
