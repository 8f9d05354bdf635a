"""Global tables test helpers: the regions, the replication control endpoint, scanning
a table, waiting until replicas converge, and reading a replica's stream."""

from __future__ import annotations

from typing import Any

import orjson
import urllib3
from server_support import client, wait_for

REGIONS = ("us-east-1", "us-west-2", "eu-west-1")


class Replication:
    """`/_headwater/replication` on one server."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.http = urllib3.PoolManager()

    def status(self) -> dict[str, Any]:
        response = self.http.request("GET", f"{self.endpoint}/_headwater/replication")
        assert response.status == 200, response.data
        return dict(orjson.loads(response.data))

    def post(self, body: Any) -> tuple[int, dict[str, Any]]:
        response = self.http.request("POST", f"{self.endpoint}/_headwater/replication",
                                     body=orjson.dumps(body))
        return response.status, dict(orjson.loads(response.data))

    def set(self, **body: Any) -> dict[str, Any]:
        status, answer = self.post(body)
        assert status == 200, answer
        return answer

    def pairs(self, table: str) -> list[dict[str, Any]]:
        return [pair for pair in self.status()["pairs"] if pair["table"] == table]

    def drained(self, table: str) -> bool:
        return all(pair["backlog"] == 0 for pair in self.pairs(table))


def scan_all(ddb: Any, table: str) -> dict[str, dict[str, Any]]:
    """Every item of a table by its `pk`."""
    found: dict[str, dict[str, Any]] = {}
    kwargs: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
    while True:
        page = ddb.scan(**kwargs)
        found.update((item["pk"]["S"], item) for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def converged(regional: dict[str, Any], table: str, regions: tuple[str, ...],
              timeout: float = 10.0) -> dict[str, dict[str, Any]]:
    """Wait until every region's copy of the table is the same; returns it."""
    def same() -> dict[str, dict[str, Any]] | None:
        states = [scan_all(regional[region], table) for region in regions]
        return states[0] if all(state == states[0] for state in states) else None
    def found() -> tuple[dict[str, dict[str, Any]]] | None:
        state = same()
        return None if state is None else (state,)
    result: tuple[dict[str, dict[str, Any]]] = wait_for(found, timeout)
    return result[0]


def stream_records(endpoint: str, region: str, table: str) -> list[dict[str, Any]]:
    """Every record of the table's current stream in `region`, in sequence order."""
    ddb = client("dynamodb", endpoint, region_name=region)
    streams = client("dynamodbstreams", endpoint, region_name=region)
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    records: list[dict[str, Any]] = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator)
            records.extend(page["Records"])
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
    return sorted(records, key=lambda r: int(r["dynamodb"]["SequenceNumber"]))
