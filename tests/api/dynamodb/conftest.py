"""Fixtures for the DynamoDB API tests: ready-made tables and clients for other accounts and
regions (raw HTTP and error assertions come from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

import pytest
from botocore.exceptions import ClientError
from server_support import client


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
        return client("dynamodb", endpoint, aws_access_key_id=access_key, region_name=region)
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
        with suppress(ClientError):
            ddb.delete_table(TableName=name)
