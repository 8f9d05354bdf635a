"""Deletion markers (tombstones) of global tables are cleaned up (issue 14): a deleted item's
version is kept while another replica may still send an older change, at least 24 hours of
the project clock, then deleted by the sweeper (replication/tombstones.py); the counts show
in `GET /_headwater/replication`. On a server of its own: the test moves its clock by a day."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from global_support import REGIONS, Replication, converged
from server_support import Server, client, serving, wait_for

EAST, WEST, _ = REGIONS
pytestmark = pytest.mark.local_only
DAY = 24 * 3600


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    yield from serving("--in-memory")


def markers(control: Replication, name: str) -> dict[str, int]:
    tables = control.status()["tombstones"]["tables"]
    return {t["region"]: t["count"] for t in tables if t["table"] == name}


def swept_since(control: Replication, moment: float) -> bool:
    swept = control.status()["tombstones"]["sweptAt"]
    return swept is not None and swept >= moment


def test_markers_are_kept_a_day_then_cleaned(server: Server) -> None:
    regional: dict[str, Any] = {r: client("dynamodb", server.url, region_name=r)
                                for r in (EAST, WEST)}
    control = Replication(server.url)
    east, west = regional[EAST], regional[WEST]
    name = "tombstones"
    east.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                      AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                      BillingMode="PAY_PER_REQUEST")
    east.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    for pk in ("a", "b", "c"):
        east.put_item(TableName=name, Item={"pk": {"S": pk}})
    converged(regional, name, (EAST, WEST))
    east.delete_item(TableName=name, Key={"pk": {"S": "a"}})
    west.delete_item(TableName=name, Key={"pk": {"S": "b"}})
    assert set(converged(regional, name, (EAST, WEST))) == {"c"}
    wait_for(lambda: control.drained(name))
    assert markers(control, name) == {EAST: 2, WEST: 2}

    moment = server.advance(3600)  # past the sweep interval, inside the window
    wait_for(lambda: swept_since(control, moment))
    assert markers(control, name) == {EAST: 2, WEST: 2}

    moment = server.advance(DAY)
    wait_for(lambda: swept_since(control, moment))
    assert markers(control, name) == {EAST: 0, WEST: 0}
    assert control.status()["tombstones"]["removed"] == 4
    # The keys are ordinary again: a new write reaches the other replica.
    west.put_item(TableName=name, Item={"pk": {"S": "a"}})
    assert set(converged(regional, name, (EAST, WEST))) == {"a", "c"}
