"""Consumers against the in-process change log with a scripted invoker: batching, order,
retries, record age, throttles, checkpoints (aws-facts §4.1-4.4)."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from trigger_harness import Harness, Recorder, until

from headwater.triggers import store
from headwater.triggers.invoking import Outcome
from headwater.wire.errors import AwsError

FAIL = Outcome(function_error="Unhandled", payload=b'{"errorMessage":"boom"}')


class Throttle(AwsError):
    code = "TooManyRequestsException"
    status = 429


def test_batches_respect_batch_size_and_order() -> None:
    async def main() -> None:
        h = Harness()
        for i in range(7):
            h.put(f"k{i}", i)
        h.create(BatchSize=3)
        rec = Recorder()
        h.start(rec)
        await until(lambda: sum(len(c["Records"]) for c in rec.calls) == 7)
        assert [len(c["Records"]) for c in rec.calls] == [3, 3, 1]
        flat = [r["dynamodb"]["NewImage"]["n"]["N"] for c in rec.calls for r in c["Records"]]
        assert flat == [str(i) for i in range(7)]
        first = rec.calls[0]["Records"][0]
        assert list(first) == ["eventID", "eventName", "eventVersion", "eventSource",
                               "awsRegion", "dynamodb", "eventSourceARN"]
        assert first["eventSourceARN"] == h.stream.arn
        assert isinstance(first["dynamodb"]["ApproximateCreationDateTime"], float)
        await h.stop()

    asyncio.run(main())


def test_latest_skips_earlier_records_and_wakes_on_append() -> None:
    async def main() -> None:
        h = Harness()
        h.put("old")
        h.create(StartingPosition="LATEST")
        rec = Recorder()
        h.start(rec)
        await asyncio.sleep(0.05)
        assert rec.calls == []
        h.put("new")
        await until(lambda: len(rec.calls) == 1)
        assert rec.calls[0]["Records"][0]["dynamodb"]["Keys"] == {"pk": {"S": "new"}}
        await h.stop()

    asyncio.run(main())


def test_ttl_delete_identity_is_lowercase() -> None:
    async def main() -> None:
        h = Harness()
        h.put("gone", ttl=True)
        h.create()
        rec = Recorder()
        h.start(rec)
        await until(lambda: len(rec.calls) == 1)
        record = rec.calls[0]["Records"][0]
        assert record["userIdentity"] == {"type": "Service",
                                          "principalId": "dynamodb.amazonaws.com"}
        assert record["eventSourceARN"] == h.stream.arn
        await h.stop()

    asyncio.run(main())


def test_retries_block_the_shard_then_discard_and_move_on() -> None:
    async def main() -> None:
        h = Harness()
        h.put("a")
        h.put("b")
        h.create(BatchSize=1, MaximumRetryAttempts=2)
        rec = Recorder(lambda n: FAIL if n <= 3 else Outcome())
        h.start(rec)
        await until(lambda: len(rec.calls) == 4)
        keys = [c["Records"][0]["dynamodb"]["Keys"]["pk"]["S"] for c in rec.calls]
        assert keys == ["a", "a", "a", "b"]  # 2 retries = 3 invocations, then the next record
        mapping = h.runtime.triggers.mappings[next(iter(h.runtime.triggers.mappings))]
        await until(lambda: mapping.last_result == "OK")
        await h.stop()

    asyncio.run(main())


def test_throttles_do_not_use_up_retries() -> None:
    async def main() -> None:
        h = Harness()
        h.put("a")
        h.create(MaximumRetryAttempts=0)

        def script(n: int) -> Outcome:
            return Outcome(status=429, refused=Throttle("Rate Exceeded.")) if n <= 3 else FAIL

        rec = Recorder(script)
        h.start(rec)
        await until(lambda: len(rec.calls) == 4)
        await asyncio.sleep(0.05)
        assert len(rec.calls) == 4  # 3 throttles + 1 failing attempt, no retry after it
        await h.stop()

    asyncio.run(main())


def test_record_age_discards_without_invoking() -> None:
    async def main() -> None:
        h = Harness()
        h.put("old")
        h.runtime.clock.advance(120)
        h.put("young")
        h.create(MaximumRecordAgeInSeconds=60)
        rec = Recorder()
        h.start(rec)
        await until(lambda: len(rec.calls) == 1)
        assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in rec.calls[0]["Records"]] == ["young"]
        await h.stop()

    asyncio.run(main())


def test_checkpoint_resumes_after_restart_of_the_manager() -> None:
    async def main() -> None:
        h = Harness()
        h.put("a")
        h.create()
        rec = Recorder()
        h.start(rec)
        await until(lambda: len(rec.calls) == 1)
        await h.stop()
        h.put("b")
        h.runtime.triggers._stopping = False
        rec2 = Recorder()
        h.start(rec2)
        await until(lambda: len(rec2.calls) == 1)
        await asyncio.sleep(0.05)
        assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in rec2.calls[0]["Records"]] == ["b"]
        uuid = next(iter(h.runtime.triggers.mappings))
        assert store.checkpoints(h.runtime.storage.conn, uuid)
        await h.stop()

    asyncio.run(main())


def test_parent_shard_before_child() -> None:
    async def main() -> None:
        h = Harness(shard_rollover=10.0)
        h.put("k", 1)
        h.runtime.clock.advance(11)
        h.put("k", 2)  # rolls the shard over: this record lands in the child
        assert len(h.runtime.streams.shards[h.stream.id]) == 2
        h.create(BatchSize=1)
        rec = Recorder()
        h.start(rec)
        await until(lambda: len(rec.calls) == 2)
        assert [c["Records"][0]["dynamodb"]["NewImage"]["n"]["N"] for c in rec.calls] == ["1", "2"]
        await h.stop()

    asyncio.run(main())


def test_window_gathers_records_until_it_ends() -> None:
    async def main() -> None:
        h = Harness()
        h.create(MaximumBatchingWindowInSeconds=1, StartingPosition="LATEST")
        rec = Recorder()
        h.start(rec)
        await asyncio.sleep(0.05)
        h.put("a")
        await asyncio.sleep(0.1)
        h.put("b")
        await asyncio.sleep(0.1)
        assert rec.calls == []
        await until(lambda: len(rec.calls) == 1, timeout=3)
        assert len(rec.calls[0]["Records"]) == 2
        await h.stop()

    asyncio.run(main())


def test_payload_is_valid_json_with_records() -> None:
    from headwater.triggers.events import build_batch
    from headwater.triggers.stream_source import SourceRecord

    blob = orjson.dumps({"eventID": "x", "dynamodb": {"ApproximateCreationDateTime": 1.0}})
    batch = build_batch("s", "arn:x", [SourceRecord(1, 1.0, blob)] * 3, 2)
    assert len(orjson.loads(batch.payload())["Records"]) == 2


def test_records_past_retention_stop_blocking_the_shard() -> None:
    async def main() -> None:
        h = Harness()
        h.put("poison")
        h.create()  # MaximumRetryAttempts and MaximumRecordAgeInSeconds both -1
        rec = Recorder()
        rec.script = lambda n: FAIL if _keys(rec.calls[-1]) == ["poison"] else Outcome()
        h.start(rec)
        await until(lambda: len(rec.calls) >= 3)
        h.runtime.clock.advance(24 * 3600 + 1)
        h.put("next")
        await until(lambda: any(c["Records"][0]["dynamodb"]["Keys"]["pk"]["S"] == "next"
                                for c in rec.calls))
        await h.stop()

    asyncio.run(main())


def _keys(event: dict[str, Any]) -> list[str]:
    return [r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"]]
