"""ParallelizationFactor (aws-facts §4.1) with a real Python handler: concurrent writers change
many items while a mapping with factor 10 delivers; every item's changes arrive in order, none
is lost or repeated, and more batches run at once than the stream has shards."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from controls_support import CONTROLS_HANDLER
from server_support import client
from triggers_support import events, wait_for

KEYS, VERSIONS, WRITERS = 60, 8, 6


def peak_overlap(spans: list[list[float]]) -> int:
    edges = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
    running = peak = 0
    for _, step in edges:
        running += step
        peak = max(peak, running)
    return peak


def test_per_key_order_with_factor_10_under_concurrent_writes(
        endpoint: str, ddb: Any, make_function: Callable[..., str], tmp_path: Path,
        stream_table: Callable[..., tuple[str, str]],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    out = tmp_path / "events.jsonl"
    # A handler slower than a cold start: the pool starts a new environment for a waiting lane
    # at once (a quicker one may wait for a busy environment while the machine is loaded,
    # docs/performance-tuning.md), so the lanes really overlap whatever the load.
    function = make_function(CONTROLS_HANDLER, env={"OUT": str(out), "SLEEP": "0.3"})
    table, stream_arn = stream_table()
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, BatchSize=5,
                 ParallelizationFactor=10, StartingPosition="LATEST")

    def writer(number: int) -> None:
        own = client("dynamodb", endpoint)  # a client per writer thread
        mine = [f"key{k:03d}" for k in range(number, KEYS, WRITERS)]
        for version in range(VERSIONS):
            for key in mine:
                own.put_item(TableName=table, Item={"pk": {"S": key},
                                                    "v": {"N": str(version)}})

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wait_for(lambda: sum(len(e["Records"]) for e in events(out)) >= KEYS * VERSIONS,
             timeout=60)
    seen: dict[str, list[int]] = {}
    for event in events(out):
        for record in event["Records"]:
            seen.setdefault(record["dynamodb"]["Keys"]["pk"]["S"], []).append(
                int(record["dynamodb"]["NewImage"]["v"]["N"]))
    assert len(seen) == KEYS
    assert all(versions == list(range(VERSIONS)) for versions in seen.values())
    assert peak_overlap([e["_span"] for e in events(out)]) > 4  # more than one per shard
