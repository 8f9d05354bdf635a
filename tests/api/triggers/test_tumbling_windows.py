"""TumblingWindowInSeconds (aws-facts §4.6) with a real Python handler keeping a running count
in the window state: windows aligned to the clock, state carried between invocations, a final
invocation per window when the clock passes its end, and the sum of the final counts equal to
a direct count of the writes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from controls_support import CONTROLS_HANDLER
from triggers_support import events, wait_for


def seconds(stamp: str) -> float:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S%z").timestamp()


def stream_count(streams: Any, stream_arn: str) -> int:
    """The records in the stream, read directly through GetRecords."""
    total = 0
    for shard in streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator)
            total += len(page["Records"])
            iterator = page.get("NextShardIterator") if page["Records"] else None
    return total


@pytest.mark.local_only
def test_running_total_equals_the_writes(
        ddb: Any, streams: Any, clock: Any, make_function: Callable[..., str], tmp_path: Path,
        stream_table: Callable[..., tuple[str, str]],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    out = tmp_path / "events.jsonl"
    function = make_function(CONTROLS_HANDLER, env={"OUT": str(out)})
    table, stream_arn = stream_table()
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, BatchSize=3,
                 TumblingWindowInSeconds=60, StartingPosition="LATEST")

    def finals() -> list[dict[str, Any]]:
        return [e for e in events(out) if e["isFinalInvokeForWindow"]]

    def delivered() -> int:
        return sum(len(e["Records"]) for e in events(out))

    written = 0
    for rounds, count in enumerate((23, 17)):
        for i in range(count):
            ddb.put_item(TableName=table, Item={"pk": {"S": f"r{rounds}-{i % 7}"},
                                                "n": {"N": str(i)}})
        written += count
        wait_for(lambda w=written: delivered() == w)
        clock.advance(61)  # every open window ends: each gets its final invocation
        wait_for(lambda w=written: sum(e["state"]["count"] for e in finals()) == w)
    assert sum(e["state"]["count"] for e in finals()) == written == stream_count(
        streams, stream_arn) == 40
    for event in events(out):
        start, end = seconds(event["window"]["start"]), seconds(event["window"]["end"])
        assert end - start == 60 and start % 60 == 0
        assert event["shardId"].startswith("shardId-") and event["eventSourceARN"] == stream_arn
        assert event["isWindowTerminatedEarly"] is False
    assert all(e["Records"] == [] for e in finals())
    assert any(e["state"]["invokes"] > 1 for e in finals())  # state carried between batches
    windows = {(e["shardId"], e["window"]["start"]) for e in finals()}
    assert len(windows) == len(finals())  # one final invocation per window and shard
