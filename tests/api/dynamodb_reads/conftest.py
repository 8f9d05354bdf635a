"""Fixtures for the read and multi-item write API tests: populated tables and a stream reader
(raw HTTP and error assertions come from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import server_support


@pytest.fixture(scope="session")
def helpers() -> Any:
    """Server start/stop and client helpers (tests/server_support.py)."""
    return server_support


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
