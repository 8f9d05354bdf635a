"""Shared fixtures: one live Headwater server per test session, boto3 clients pointed at it,
uniquely named resources, and the virtual clock."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import orjson
import pytest
import urllib3
from botocore.config import Config

CREDENTIALS = {"aws_access_key_id": "AKIDTEST", "aws_secret_access_key": "secret",
               "region_name": "us-east-1"}


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def start_server(*args: str, env: dict[str, str] | None = None) -> Server:
    """Start `headwater serve --port 0 ARGS` and wait for it to print its endpoint."""
    process = subprocess.Popen(
        [sys.executable, "-m", "headwater", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith("http://"):
        process.kill()
        process.wait()
        process.stdout.close()
        raise RuntimeError(f"headwater did not start: {line!r}")
    return Server(process, line)


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    running = start_server("--in-memory")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def endpoint(server: Server) -> str:
    return server.url


def client(service: str, endpoint: str, **overrides: Any) -> Any:
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    return boto3.client(service, endpoint_url=endpoint, config=config,
                        **{**CREDENTIALS, **overrides})


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


class Clock:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.http = urllib3.PoolManager()

    def now(self) -> float:
        response = self.http.request("GET", f"{self.endpoint}/_headwater/clock")
        return float(orjson.loads(response.data)["now"])

    def advance(self, seconds: float) -> float:
        response = self.http.request("POST", f"{self.endpoint}/_headwater/clock",
                                     body=orjson.dumps({"advance": seconds}))
        assert response.status == 200, response.data
        return float(orjson.loads(response.data)["now"])


@pytest.fixture(scope="session")
def clock(endpoint: str) -> Clock:
    return Clock(endpoint)
