"""Conflicts as DynamoDB resolves them (issue 14, item 3; aws-facts §6): concurrent writes to
one item in different regions converge to the last writer by write time, ties broken by region
name; the loser is overwritten everywhere, a later delete beats an earlier update and a later
update beats an earlier delete, and a conditional write that succeeded in the losing region is
overwritten too."""

from __future__ import annotations

import random
import threading
from typing import Any

import pytest
from global_support import REGIONS, converged
from server_support import wait_for

EAST, WEST, EU = REGIONS


def key(pk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}}


@pytest.mark.local_only
def test_last_writer_wins_while_paused(regional, global_table, replication):
    name = global_table()
    east, west = regional[EAST], regional[WEST]
    replication.set(paused=True)
    try:
        east.put_item(TableName=name, Item={"pk": {"S": "x"}, "by": {"S": "east"}})
        west.put_item(TableName=name, Item={"pk": {"S": "x"}, "by": {"S": "west"}})  # later
        west.put_item(TableName=name, Item={"pk": {"S": "y"}, "by": {"S": "west"}})
        east.put_item(TableName=name, Item={"pk": {"S": "y"}, "by": {"S": "east"}})  # later
        assert east.get_item(TableName=name, Key=key("x"))["Item"]["by"] == {"S": "east"}
    finally:
        replication.set(paused=False)
    state = converged(regional, name, (EAST, WEST))
    assert state["x"]["by"] == {"S": "west"} and state["y"]["by"] == {"S": "east"}


@pytest.mark.local_only
def test_delete_against_update(regional, global_table, replication):
    name = global_table()
    east, west = regional[EAST], regional[WEST]
    for pk in ("deleted-last", "updated-last"):
        east.put_item(TableName=name, Item={"pk": {"S": pk}, "v": {"N": "0"}})
    converged(regional, name, (EAST, WEST))
    replication.set(paused=True)
    try:
        west.update_item(TableName=name, Key=key("deleted-last"), UpdateExpression="SET v = :v",
                         ExpressionAttributeValues={":v": {"N": "1"}})
        east.delete_item(TableName=name, Key=key("deleted-last"))
        east.delete_item(TableName=name, Key=key("updated-last"))
        west.update_item(TableName=name, Key=key("updated-last"), UpdateExpression="SET v = :v",
                         ExpressionAttributeValues={":v": {"N": "2"}})
    finally:
        replication.set(paused=False)
    state = converged(regional, name, (EAST, WEST))
    assert state == {"updated-last": {"pk": {"S": "updated-last"}, "v": {"N": "2"}}}


@pytest.mark.local_only
def test_conditional_write_in_the_losing_region_is_overwritten(regional, global_table,
                                                               replication):
    name = global_table()
    east, west = regional[EAST], regional[WEST]
    replication.set(paused=True)
    try:
        # Both succeed locally: the item is missing in each region's view.
        east.put_item(TableName=name, Item={"pk": {"S": "seat"}, "owner": {"S": "ann"}},
                      ConditionExpression="attribute_not_exists(pk)")
        west.put_item(TableName=name, Item={"pk": {"S": "seat"}, "owner": {"S": "bob"}},
                      ConditionExpression="attribute_not_exists(pk)")
    finally:
        replication.set(paused=False)
    state = converged(regional, name, (EAST, WEST))
    assert state["seat"]["owner"] == {"S": "bob"}


def _hammer(ddb: Any, name: str, region: str, keys: list[str], rounds: int,
            failures: list[BaseException]) -> None:
    rng = random.Random(region)
    try:
        for i in range(rounds):
            pk = rng.choice(keys)
            action = rng.random()
            if action < 0.6:
                ddb.put_item(TableName=name, Item={"pk": {"S": pk}, "by": {"S": region},
                                                   "i": {"N": str(i)}})
            elif action < 0.85:
                ddb.update_item(TableName=name, Key=key(pk),
                                UpdateExpression="ADD hits :one SET lastBy = :r",
                                ExpressionAttributeValues={":one": {"N": "1"},
                                                           ":r": {"S": region}})
            else:
                ddb.delete_item(TableName=name, Key=key(pk))
    except BaseException as error:  # surfaced by the test
        failures.append(error)


@pytest.mark.parametrize("regions", [REGIONS[:2], REGIONS], ids=["two", "three"])
def test_concurrent_conflicting_writes_converge(endpoint, regions, global_table, replication):
    from server_support import client
    name = global_table(regions)
    keys = [f"k{i}" for i in range(8)]
    failures: list[BaseException] = []
    threads = []
    for region in regions:
        for _ in range(2):  # two writers per region, each with its own client
            ddb = client("dynamodb", endpoint, region_name=region)
            threads.append(threading.Thread(target=_hammer,
                                            args=(ddb, name, region, keys, 60, failures)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    regional = {region: client("dynamodb", endpoint, region_name=region) for region in regions}
    converged(regional, name, regions)
    wait_for(lambda: replication.drained(name))
    # Still identical once nothing is in flight.
    converged(regional, name, regions, timeout=1)
