"""Fixtures for the DynamoDB API tests: error assertions, ready-made tables, raw HTTP and
clients for other accounts and regions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import orjson
import pytest
import urllib3
from botocore.config import Config
from botocore.exceptions import ClientError


class Raw:
    """DynamoDB over plain HTTP, for what boto3 will not send (bad JSON, unknown targets)."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.http = urllib3.PoolManager()

    def call(self, target: str, body: bytes | dict[str, Any] | str, *,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        if isinstance(body, dict):
            body = orjson.dumps(body)
        elif isinstance(body, str):
            body = body.encode()
        response = self.http.request(
            "POST", self.endpoint + "/", body=body,
            headers={"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target,
                     **(headers or {})},
        )
        return response.status, orjson.loads(response.data) if response.data else {}

    def op(self, operation: str, body: dict[str, Any] | bytes | str) -> tuple[int, dict[str, Any]]:
        return self.call(f"DynamoDB_20120810.{operation}", body)

    def get(self, path: str) -> urllib3.BaseHTTPResponse:
        return self.http.request("GET", self.endpoint + path)


@pytest.fixture(scope="session")
def raw(endpoint: str) -> Raw:
    return Raw(endpoint)


def _expect_error(call: Callable[..., Any], code: str, message: str | None = None,
                  status: int = 400, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    assert response["Error"]["Code"] == code, response["Error"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    if message is not None:
        assert response["Error"]["Message"] == message
    return response


@pytest.fixture(scope="session")
def expect_error() -> Callable[..., dict[str, Any]]:
    """expect_error(ddb.put_item, "ValidationException", "message", TableName=...)."""
    return _expect_error


@pytest.fixture(scope="session")
def invalid() -> Callable[..., dict[str, Any]]:
    """invalid(ddb.put_item, "message", **kwargs): a 400 ValidationException with that message."""
    return lambda call, message, **kwargs: _expect_error(call, "ValidationException", message,
                                                         **kwargs)


@pytest.fixture
def table(make_table: Callable[..., str]) -> str:
    """A table with hash key `pk` (S)."""
    return make_table()


@pytest.fixture
def range_table(make_table: Callable[..., str]) -> str:
    """A table with hash key `pk` (S) and range key `sk` (N)."""
    return make_table(range_key="sk", range_type="N")


@pytest.fixture
def other_client(endpoint: str) -> Callable[..., Any]:
    """A DynamoDB client for another account (12-digit access key) and/or region."""
    def make(access_key: str = "AKIDTEST", region: str = "us-east-1") -> Any:
        return boto3.client("dynamodb", endpoint_url=endpoint, aws_access_key_id=access_key,
                            aws_secret_access_key="secret", region_name=region,
                            config=Config(retries={"max_attempts": 1, "mode": "standard"}))
    return make


@pytest.fixture
def table_in(other_client: Callable[..., Any], unique: Callable[[str], str]
             ) -> Iterator[Callable[[Any], str]]:
    """Create a table through a given client; deleted afterwards."""
    created: list[tuple[Any, str]] = []

    def make(ddb: Any) -> str:
        name = unique("tbl")
        ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        created.append((ddb, name))
        return name

    yield make
    for ddb, name in created:
        try:
            ddb.delete_table(TableName=name)
        except ClientError:
            pass
