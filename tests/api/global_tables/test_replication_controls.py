"""`/_headwater/replication` (issue 14, item 5): pause and resume applying replicated changes
(writes keep landing in each region's stream), a replication delay on the project clock, and
each replica pair's backlog and lag."""

from __future__ import annotations

import pytest
from global_support import REGIONS, converged, scan_all
from server_support import wait_for

EAST, WEST, _ = REGIONS
pytestmark = pytest.mark.local_only


def test_pause_holds_changes_and_resume_applies_them(regional, global_table, replication):
    name = global_table()
    east, west = regional[EAST], regional[WEST]
    assert replication.set(paused=True)["paused"] is True
    try:
        for i in range(5):
            east.put_item(TableName=name, Item={"pk": {"S": f"p{i}"}})
        west.put_item(TableName=name, Item={"pk": {"S": "w"}})
        pairs = {(p["source"], p["target"]): p for p in replication.pairs(name)}
        assert pairs[(EAST, WEST)]["backlog"] == 5
        assert pairs[(WEST, EAST)]["backlog"] == 1
        assert pairs[(EAST, WEST)]["lagSeconds"] >= 0
        assert set(scan_all(west, name)) == {"w"}
    finally:
        replication.set(paused=False)
    assert set(converged(regional, name, (EAST, WEST))) == {"w", *(f"p{i}" for i in range(5))}
    wait_for(lambda: replication.drained(name))


def test_delay_on_the_project_clock(regional, global_table, replication, clock):
    name = global_table()
    east, west = regional[EAST], regional[WEST]
    replication.set(delay=30)
    try:
        east.put_item(TableName=name, Item={"pk": {"S": "late"}})
        assert replication.status()["delay"] == 30.0
        wait_for(lambda: replication.pairs(name)[0]["lagSeconds"] > 0)
        assert "Item" not in west.get_item(TableName=name, Key={"pk": {"S": "late"}})
        clock.advance(31)
        wait_for(lambda: "Item" in west.get_item(TableName=name, Key={"pk": {"S": "late"}}))
    finally:
        replication.set(delay=0)


@pytest.mark.parametrize("body, message", [
    ({}, 'give "paused" (true or false) and/or "delay" (seconds >= 0)'),
    ({"paused": "yes"}, '"paused" must be true or false'),
    ({"delay": -1}, '"delay" must be a number of seconds >= 0'),
    ({"delay": True}, '"delay" must be a number of seconds >= 0'),
    ({"speed": 1}, 'give "paused" (true or false) and/or "delay" (seconds >= 0)'),
    ([1], 'give "paused" (true or false) and/or "delay" (seconds >= 0)'),
])
def test_bad_control_bodies(replication, body, message):
    assert replication.post(body) == (400, {"message": message})


def test_a_change_an_index_added_meanwhile_refuses_still_replicates(regional, global_table,
                                                                     replication):
    """An item written before the table gained an index whose key it violates (g is a number,
    the index wants a string) is kept out of that index in every replica, as the backfill
    keeps it out in the writing one; the replica pair goes on replicating after it."""
    name = global_table()
    east, west = regional[EAST], regional[WEST]
    replication.set(paused=True)
    try:
        east.put_item(TableName=name, Item={"pk": {"S": "number"}, "g": {"N": "1"}})
        east.update_table(
            TableName=name, AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
            GlobalSecondaryIndexUpdates=[{"Create": {
                "IndexName": "byG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}}}])
        wait_for(lambda: [i["IndexName"] for i in west.describe_table(TableName=name)["Table"]
                          .get("GlobalSecondaryIndexes", [])] == ["byG"])
    finally:
        replication.set(paused=False)
    east.put_item(TableName=name, Item={"pk": {"S": "string"}, "g": {"S": "s"}})
    state = converged(regional, name, (EAST, WEST))
    assert state["number"]["g"] == {"N": "1"} and state["string"]["g"] == {"S": "s"}
    for ddb in (east, west):
        indexed = ddb.scan(TableName=name, IndexName="byG")["Items"]
        assert [item["pk"]["S"] for item in indexed] == ["string"]
    wait_for(lambda: replication.drained(name))
