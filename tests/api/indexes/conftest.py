"""Fixtures for secondary index tests: a table with a GSI and an LSI."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from index_support import STREAM


@pytest.fixture
def indexed_table(ddb: Any, unique: Callable[[str], str]) -> Iterator[str]:
    """pk (S) + sk (N); GSI `by_status` on status (S) + sk, KEYS_ONLY; GSI `by_owner` on owner
    (S), INCLUDE [note]; LSI `by_rank` on pk + rank (N), ALL."""
    name = unique("idx")
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in
                              (("pk", "S"), ("sk", "N"), ("status", "S"), ("owner", "S"),
                               ("rank", "N"))],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[
            {"IndexName": "by_status",
             "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"},
                           {"AttributeName": "sk", "KeyType": "RANGE"}],
             "Projection": {"ProjectionType": "KEYS_ONLY"}},
            {"IndexName": "by_owner",
             "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"}],
             "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["note"]}},
        ],
        LocalSecondaryIndexes=[
            {"IndexName": "by_rank",
             "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                           {"AttributeName": "rank", "KeyType": "RANGE"}],
             "Projection": {"ProjectionType": "ALL"}},
        ],
        StreamSpecification=STREAM,
    )
    yield name
    ddb.delete_table(TableName=name)

