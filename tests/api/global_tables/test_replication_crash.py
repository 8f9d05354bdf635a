"""Replication survives SIGKILL (issue 14, item 2): positions are durable and commit with the
writes they cover, so after a kill in the middle of replicating a backlog and a restart, every
acknowledged write reaches the other replica exactly once and the replicas converge. Also a
clean restart resumes with nothing lost and the replication controls it stopped with."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from global_support import REGIONS, Replication, converged, stream_records
from server_support import Server, client, start_server, wait_for

EAST, WEST, _ = REGIONS
pytestmark = [pytest.mark.local_only, pytest.mark.slow]


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        if server.process.poll() is None:
            server.kill()


def _start(servers: list[Server], data_dir: Path) -> tuple[Server, dict[str, Any]]:
    server = start_server("--data-dir", str(data_dir))
    servers.append(server)
    return server, {r: client("dynamodb", server.url, region_name=r) for r in (EAST, WEST)}


def _global_table(regional: dict[str, Any]) -> str:
    name = "crash-global"
    regional[EAST].create_table(
        TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST")
    regional[EAST].update_table(TableName=name,
                                ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    return name


def _write_batch(ddb: Any, name: str, prefix: str, count: int) -> None:
    for start in range(0, count, 25):
        ddb.batch_write_item(RequestItems={name: [
            {"PutRequest": {"Item": {"pk": {"S": f"{prefix}{i:05d}"}, "n": {"N": str(i)}}}}
            for i in range(start, min(count, start + 25))]})


def test_sigkill_while_replicating_then_exact_convergence(servers, tmp_path):
    server, regional = _start(servers, tmp_path)
    name = _global_table(regional)
    control = Replication(server.url)
    control.set(paused=True)
    _write_batch(regional[EAST], name, "e", 1500)
    _write_batch(regional[WEST], name, "w", 300)
    acknowledged = {f"e{i:05d}" for i in range(1500)} | {f"w{i:05d}" for i in range(300)}
    # Writes keep landing while replication works through the backlog; kill in the middle.
    writer = threading.Thread(target=_keep_writing, args=(regional[EAST], name, acknowledged))
    control.set(paused=False)
    writer.start()
    wait_for(lambda: any(p["applied"] for p in control.pairs(name)), timeout=10, interval=0.001)
    server.kill()
    writer.join()

    server, regional = _start(servers, tmp_path)
    state = converged(regional, name, (EAST, WEST), timeout=30)
    assert acknowledged <= set(state)
    # Exactly once: each key was inserted once in each replica's stream, never modified.
    for region in (EAST, WEST):
        events = [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"])
                  for r in stream_records(server.url, region, name)]
        assert len(events) == len(set(events)) == len(state)
        assert {event for event, _ in events} == {"INSERT"}
    wait_for(lambda: Replication(server.url).drained(name))


def _keep_writing(ddb: Any, name: str, acknowledged: set[str]) -> None:
    for i in range(100000):
        pk = f"late{i:05d}"
        try:
            ddb.put_item(TableName=name, Item={"pk": {"S": pk}})
        except Exception:  # the server was killed under us
            return
        acknowledged.add(pk)


def test_restart_keeps_the_controls_and_the_backlog(servers, tmp_path):
    server, regional = _start(servers, tmp_path)
    name = _global_table(regional)
    Replication(server.url).set(paused=True, delay=60)
    _write_batch(regional[EAST], name, "p", 100)
    server.stop()
    server, regional = _start(servers, tmp_path)
    control = Replication(server.url)
    status = control.status()
    assert (status["paused"], status["delay"]) == (True, 60.0)
    assert [p["backlog"] for p in control.pairs(name) if p["source"] == EAST] == [100]
    assert "Item" not in regional[WEST].get_item(TableName=name, Key={"pk": {"S": "p00000"}})
    # Resumed, the delay (kept too) still holds the changes until the clock passes it.
    control.set(paused=False)
    assert control.status()["delay"] == 60.0
    assert "Item" not in regional[WEST].get_item(TableName=name, Key={"pk": {"S": "p00000"}})
    server.advance(61)
    assert len(converged(regional, name, (EAST, WEST), timeout=10)) == 100
    control.set(delay=0)
    server.stop()
    server, _ = _start(servers, tmp_path)
    status = Replication(server.url).status()
    assert (status["paused"], status["delay"]) == (False, 0.0)
