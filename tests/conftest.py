"""Shared fixtures: one live Headwater server per test session, boto3 clients pointed at it
(ddb, streams, lam, logs, sqs, sns, iam, sts), raw JSON-protocol requests, error assertions, uniquely
named resources, and the virtual clock."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

import pytest
import server_support
from hypothesis import settings
from server_support import (
    CREDENTIALS,
    Clock,
    Raw,
    Server,
    client,
    serving,
    session_client,
    start_server,
)

from headwater.functions.runtime_sdk import install_all

__all__ = ["CREDENTIALS", "Clock", "Server", "client", "start_server"]

# Hypothesis' per-example deadline (200 ms) is a wall-clock assertion: on a loaded 2-core box an
# example of a pure function took 1.2 s and failed the suite. Speed is measured in bench/.
# No example database: `make test` runs the suite in parallel (pytest-xdist), and a run's
# outcome must not depend on what an earlier run (or another worker) saved in .hypothesis/.
settings.register_profile("headwater", deadline=None, database=None)
settings.load_profile("headwater")


@pytest.fixture(scope="session", autouse=True)
def runtime_sdks() -> None:
    """Every Python runtime's pinned boto3 in Headwater's cache (~/.cache/headwater, shared
    between runs) before any server starts, so no test waits on PyPI for it; with the cache filled
    it takes a fraction of a second (functions/runtime_sdk.py)."""
    install_all()


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    yield from serving("--in-memory")


@pytest.fixture(scope="session")
def endpoint(server: Server) -> str:
    return server.url


# The queue and topic tests override `sqs` and `sns` with clients on servers of their own.
ddb = session_client("ddb", "dynamodb")
streams = session_client("streams", "dynamodbstreams")
lam = session_client("lam", "lambda")
logs = session_client("logs", "logs")
sqs = session_client("sqs", "sqs")
sns = session_client("sns", "sns")
iam = session_client("iam", "iam")
sts = session_client("sts", "sts")


@pytest.fixture(scope="session")
def raw(endpoint: str) -> Raw:
    return Raw(endpoint)


@pytest.fixture(scope="session")
def expect_error() -> Callable[..., dict[str, Any]]:
    """expect_error(ddb.put_item, "ValidationException", "message", TableName=...)."""
    return server_support.expect_error


@pytest.fixture(scope="session")
def invalid() -> Callable[..., dict[str, Any]]:
    """invalid(ddb.put_item, "message", **kwargs): a 400 ValidationException with that message."""
    return lambda call, message, **kwargs: server_support.expect_error(
        call, "ValidationException", message, **kwargs)


@pytest.fixture
def unique() -> Callable[[str], str]:
    return lambda prefix="t": f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    """Servers a test starts itself (it appends them), stopped at its end. (test_durability
    and test_replication_crash have their own, which kill what is left instead.)"""
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


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
        with suppress(ddb.exceptions.ResourceNotFoundException):
            ddb.delete_table(TableName=name)


@pytest.fixture(scope="session")
def clock(endpoint: str) -> Clock:
    return Clock(endpoint)
