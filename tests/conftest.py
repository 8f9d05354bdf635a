"""Shared fixtures: one live Headwater server per test session, boto3 clients pointed at it,
uniquely named resources, and the virtual clock."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from server_support import CREDENTIALS, Clock, Server, client, start_server

__all__ = ["CREDENTIALS", "Clock", "Server", "client", "start_server"]


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    running = start_server("--in-memory")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def endpoint(server: Server) -> str:
    return server.url


@pytest.fixture(scope="session")
def ddb(endpoint: str) -> Any:
    return client("dynamodb", endpoint)


@pytest.fixture(scope="session")
def streams(endpoint: str) -> Any:
    return client("dynamodbstreams", endpoint)


@pytest.fixture
def unique() -> Callable[[str], str]:
    return lambda prefix="t": f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def make_table(ddb: Any, unique: Callable[[str], str]) -> Iterator[Callable[..., str]]:
    """Create a uniquely named table (hash key `pk` S, optional range key); deleted afterwards."""
    created: list[str] = []

    def make(hash_type: str = "S", range_key: str | None = None, range_type: str = "S",
             **kwargs: Any) -> str:
        name = unique("tbl")
        schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
        definitions = [{"AttributeName": "pk", "AttributeType": hash_type}]
        if range_key:
            schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
            definitions.append({"AttributeName": range_key, "AttributeType": range_type})
        ddb.create_table(TableName=name, KeySchema=schema, AttributeDefinitions=definitions,
                         BillingMode="PAY_PER_REQUEST", **kwargs)
        created.append(name)
        return name

    yield make
    for name in created:
        try:
            ddb.delete_table(TableName=name)
        except ddb.exceptions.ResourceNotFoundException:
            pass


@pytest.fixture(scope="session")
def clock(endpoint: str) -> Clock:
    return Clock(endpoint)
