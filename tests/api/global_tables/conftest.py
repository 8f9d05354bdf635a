"""Global tables fixtures: DynamoDB clients on the session server in several regions, a
global table maker and the replication control endpoint (helpers in global_support.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

import pytest
from global_support import REGIONS, Replication
from server_support import client


@pytest.fixture(scope="session")
def regional(endpoint: str) -> dict[str, Any]:
    """DynamoDB clients on the session server, by region."""
    return {region: client("dynamodb", endpoint, region_name=region) for region in REGIONS}


@pytest.fixture(scope="session")
def replication(endpoint: str) -> Iterator[Replication]:
    control = Replication(endpoint)
    yield control
    control.set(paused=False, delay=0)


@pytest.fixture
def global_table(regional: dict[str, Any], unique: Callable[[str], str]
                 ) -> Iterator[Callable[..., str]]:
    """global_table(regions=("us-east-1", "us-west-2"), **create_kwargs): a table created in
    the first region, with a replica in each other one; every replica deleted afterwards."""
    made: list[tuple[str, tuple[str, ...]]] = []

    def make(regions: tuple[str, ...] = REGIONS[:2], **kwargs: Any) -> str:
        name = unique("gt")
        home = regional[regions[0]]
        options: dict[str, Any] = {
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST", **kwargs}
        home.create_table(TableName=name, **options)
        made.append((name, regions))
        for region in regions[1:]:
            home.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": region}}])
        return name

    yield make
    for name, regions in made:
        for region in reversed(regions):
            with suppress(Exception):
                regional[region].delete_table(TableName=name)
