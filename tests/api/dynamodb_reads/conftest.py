"""Fixtures for the read and multi-item write API tests: error assertions, populated tables
and a stream reader."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest
import server_support
import urllib3
from botocore.exceptions import ClientError


@pytest.fixture(scope="session")
def helpers() -> Any:
    """Server start/stop and client helpers (tests/server_support.py)."""
    return server_support


class Raw:
    """DynamoDB over plain HTTP, for requests boto3 refuses to send (Limit 0, Segment -1)."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.http = urllib3.PoolManager()

    def op(self, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        response = self.http.request(
            "POST", self.endpoint + "/", body=orjson.dumps(body),
            headers={"Content-Type": "application/x-amz-json-1.0",
                     "X-Amz-Target": f"DynamoDB_20120810.{operation}"})
        return response.status, orjson.loads(response.data) if response.data else {}


@pytest.fixture(scope="session")
def raw(endpoint: str) -> Raw:
    return Raw(endpoint)


def _expect_error(call: Callable[..., Any], code: str, message: str | None = None,
                  status: int = 400, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response: dict[str, Any] = caught.value.response
    assert response["Error"]["Code"] == code, response["Error"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    if message is not None:
        assert response["Error"]["Message"] == message
    return response


@pytest.fixture(scope="session")
def expect_error() -> Callable[..., dict[str, Any]]:
    """expect_error(ddb.query, "ResourceNotFoundException", "message", TableName=...)."""
    return _expect_error


@pytest.fixture(scope="session")
def invalid() -> Callable[..., dict[str, Any]]:
    """invalid(ddb.query, "message", **kwargs): a 400 ValidationException with that message."""
    return lambda call, message, **kwargs: _expect_error(call, "ValidationException", message,
                                                         **kwargs)


@pytest.fixture(scope="session")
def other_region(endpoint: str) -> Any:
    return server_support.client("dynamodb", endpoint, region_name="eu-west-1")


@pytest.fixture
def hash_table(make_table: Callable[..., str]) -> str:
    """A table with hash key `pk` (S) only."""
    return make_table()


@pytest.fixture
def sorted_table(ddb: Any, make_table: Callable[..., str]) -> str:
    """Hash `pk` (S), range `sk` (N); partition "p" holds sk 0..9 with n = sk % 3, and
    partition "q" holds sk 0..2."""
    name = make_table(range_key="sk", range_type="N")
    requests = [{"PutRequest": {"Item": {"pk": {"S": "p"}, "sk": {"N": str(i)},
                                         "n": {"N": str(i % 3)}}}} for i in range(10)]
    requests += [{"PutRequest": {"Item": {"pk": {"S": "q"}, "sk": {"N": str(i)}}}}
                 for i in range(3)]
    for start in range(0, len(requests), 25):
        ddb.batch_write_item(RequestItems={name: requests[start:start + 25]})
    return name


@pytest.fixture
def read_stream(ddb: Any, streams: Any) -> Callable[[str], list[dict[str, Any]]]:
    """read_stream(table): every record of its stream, over all shards, from TRIM_HORIZON."""
    return lambda table: _read_stream(ddb, streams, table)


def _read_stream(ddb: Any, streams: Any, table: str) -> list[dict[str, Any]]:
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    records: list[dict[str, Any]] = []
    for shard in shards:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator)
            records.extend(page["Records"])
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
    return records
