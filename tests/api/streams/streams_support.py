"""Helpers shared by the Streams API tests: tables with streams, reading a whole stream, and a
private server with DynamoDB and Streams clients."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from server_support import Server, start_server
from server_support import wait_for as wait_for  # re-exported for the Streams tests


def new_name(prefix: str = "st") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def create_stream_table(ddb: Any, view_type: str = "NEW_AND_OLD_IMAGES", key: str = "pk",
                        key_type: str = "S", range_key: str | None = None,
                        **kwargs: Any) -> tuple[str, str]:
    """A table with a stream; returns (table name, stream ARN)."""
    name = new_name()
    schema = [{"AttributeName": key, "KeyType": "HASH"}]
    definitions = [{"AttributeName": key, "AttributeType": key_type}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
        definitions.append({"AttributeName": range_key, "AttributeType": "S"})
    response = ddb.create_table(
        TableName=name, KeySchema=schema, AttributeDefinitions=definitions,
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type}, **kwargs,
    )
    return name, response["TableDescription"]["LatestStreamArn"]


def all_shards(streams: Any, arn: str) -> list[dict[str, Any]]:
    shards: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {}
    while True:
        description = streams.describe_stream(StreamArn=arn, **kwargs)["StreamDescription"]
        shards.extend(description["Shards"])
        last = description.get("LastEvaluatedShardId")
        if last is None:
            return shards
        kwargs["ExclusiveStartShardId"] = last


def lineage_order(shards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Shards with every parent before its children."""
    ids = {s["ShardId"] for s in shards}
    done: set[str] = set()
    ordered: list[dict[str, Any]] = []
    pending = list(shards)
    while pending:
        for shard in list(pending):
            parent = shard.get("ParentShardId")
            if parent is None or parent not in ids or parent in done:
                ordered.append(shard)
                done.add(shard["ShardId"])
                pending.remove(shard)
    return ordered


def read_shard(streams: Any, arn: str, shard_id: str, kind: str = "TRIM_HORIZON"
               ) -> list[dict[str, Any]]:
    """Every record currently in a shard (stops at the first empty page of an open shard)."""
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id,
                                          ShardIteratorType=kind)["ShardIterator"]
    records: list[dict[str, Any]] = []
    while iterator:
        page = streams.get_records(ShardIterator=iterator)
        records.extend(page["Records"])
        iterator = page.get("NextShardIterator")
        if not page["Records"]:
            break
    return records


def read_stream(streams: Any, arn: str) -> list[dict[str, Any]]:
    """All records of a stream, parents' shards before children's."""
    records: list[dict[str, Any]] = []
    for shard in lineage_order(all_shards(streams, arn)):
        records.extend(read_shard(streams, arn, shard["ShardId"]))
    return records


def error_of(call: Callable[[], Any]) -> tuple[str, str, int]:
    """(code, message, HTTP status) of the ClientError a call raises."""
    from botocore.exceptions import ClientError

    try:
        call()
    except ClientError as error:
        body = error.response["Error"]
        status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        return body["Code"], body.get("Message", ""), status
    raise AssertionError("the call succeeded")


class Private(Server):
    """A Headwater server of a test's own (`headwater serve --port 0 ARGS`), with DynamoDB and
    Streams clients pointed at it."""

    def __init__(self, *args: str) -> None:
        started = start_server(*args)
        super().__init__(started.process, started.url)
        self.ddb = self.client("dynamodb")
        self.streams = self.client("dynamodbstreams")
