"""The stream-processing controls against the in-process change log with scripted invokers:
bisect, partial batch responses, filters, parallelization lanes, tumbling windows and event
counts (aws-facts §4.3-4.8)."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from trigger_harness import Harness, KeyRecorder, Recorder, until

from headwater.triggers import store
from headwater.triggers.invoking import Outcome
from headwater.triggers.lanes import Progress, lane_of

FAIL = Outcome(function_error="Unhandled", payload=b'{"errorMessage":"boom"}')


def _keys(event: dict[str, Any]) -> list[str]:
    return [r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"]]


def _checkpoint(h: Harness) -> int:
    uuid = next(iter(h.runtime.triggers.mappings))
    return max(seq for seq, _ in store.checkpoints(h.runtime.storage.conn, uuid).values())


def answer(body: Any) -> Outcome:
    return Outcome(payload=orjson.dumps(body))


def test_bisect_isolates_one_poison_record_in_100() -> None:
    async def main() -> None:
        h = Harness()
        for i in range(100):
            h.put(f"k{i:03d}", i)
        h.create(BatchSize=100, BisectBatchOnFunctionError=True, MaximumRetryAttempts=0)
        rec = Recorder()
        rec.script = lambda n: FAIL if "k037" in _keys(rec.calls[-1]) else Outcome()
        h.start(rec)
        await until(lambda: sum(len(c["Records"]) for c in rec.calls[1:]) >= 150)
        await asyncio.sleep(0.05)
        ranges = [(int(_keys(c)[0][1:]), int(_keys(c)[-1][1:]) + 1) for c in rec.calls]
        assert ranges == [(0, 100), (0, 50), (0, 25), (25, 50), (25, 37), (37, 50), (37, 43),
                          (37, 40), (37, 38), (38, 40), (40, 43), (43, 50), (50, 100)]
        await h.stop()

    asyncio.run(main())


@pytest.mark.parametrize("body", [{"batchItemFailures": []}, {"batchItemFailures": None}, {},
                                  None, []])
def test_partial_response_success_forms(body: Any) -> None:
    async def main() -> None:
        h = Harness()
        h.put("a")
        h.put("b")
        h.create(FunctionResponseTypes=["ReportBatchItemFailures"], MaximumRetryAttempts=0)
        rec = Recorder(lambda n: Outcome(payload=b"" if body is None else orjson.dumps(body)))
        h.start(rec)
        await until(lambda: len(rec.calls) == 1)
        await asyncio.sleep(0.05)
        assert len(rec.calls) == 1
        await h.stop()

    asyncio.run(main())


@pytest.mark.parametrize("entry", [{"itemIdentifier": ""}, {"itemIdentifier": None},
                                   {"itemIdentifier": 123}, {"foo": "bar"}])
def test_partial_response_malformed_forms_fail_the_whole_batch(entry: Any) -> None:
    async def main() -> None:
        h = Harness()
        h.put("a")
        h.put("b")
        h.create(FunctionResponseTypes=["ReportBatchItemFailures"], MaximumRetryAttempts=1)
        rec = Recorder(lambda n: answer({"batchItemFailures": [entry]}))
        h.start(rec)
        await until(lambda: len(rec.calls) == 2)
        await asyncio.sleep(0.05)
        assert [_keys(c) for c in rec.calls] == [["a", "b"], ["a", "b"]]
        await h.stop()

    asyncio.run(main())


def test_partial_response_retries_from_the_lowest_reported_item() -> None:
    async def main() -> None:
        h = Harness()
        for key in "abcde":
            h.put(key)
        h.create(FunctionResponseTypes=["ReportBatchItemFailures"])

        def script(n: int) -> Outcome:
            if n > 1:
                return answer({"batchItemFailures": []})
            seqs = [r["dynamodb"]["SequenceNumber"] for r in rec.calls[0]["Records"]]
            return answer({"batchItemFailures": [{"itemIdentifier": seqs[3]},
                                                 {"itemIdentifier": seqs[1]}]})

        rec = Recorder(script)
        h.start(rec)
        await until(lambda: len(rec.calls) == 2)
        assert _keys(rec.calls[1]) == ["b", "c", "d", "e"]
        await h.stop()

    asyncio.run(main())


def test_partial_response_is_ignored_without_the_response_type() -> None:
    async def main() -> None:
        h = Harness()
        h.put("a")
        h.create()
        rec = Recorder(lambda n: answer({"batchItemFailures": [{"itemIdentifier": "x"}]}))
        h.start(rec)
        await until(lambda: len(rec.calls) == 1)
        await asyncio.sleep(0.05)
        assert len(rec.calls) == 1
        await h.stop()

    asyncio.run(main())


def test_filters_fill_batches_and_checkpoint_past_unmatched_records() -> None:
    async def main() -> None:
        h = Harness()
        for i in range(20):
            h.put(f"{'keep' if i % 4 == 0 else 'drop'}{i}", i)
        for i in range(3):
            h.put(f"drop-tail{i}")
        h.create(BatchSize=3, FilterCriteria={"Filters": [
            {"Pattern": '{"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "keep"}]}}}}'}]})
        rec = Recorder()
        h.start(rec)
        await until(lambda: len(rec.calls) == 2)
        assert [_keys(c) for c in rec.calls] == [["keep0", "keep4", "keep8"],
                                                 ["keep12", "keep16"]]
        await until(lambda: _checkpoint(h) == h.runtime.streams.sequence)
        await h.stop()

    asyncio.run(main())


def test_lanes_keep_per_key_order_and_run_concurrently() -> None:
    async def main() -> None:
        h = Harness()
        for n in range(20):
            for key in range(30):
                h.put(f"key{key}", n)
        h.create(BatchSize=10, ParallelizationFactor=10)
        invoke = KeyRecorder(0.002)
        h.runtime.triggers._invoker = invoke
        h.task = asyncio.create_task(h.runtime.triggers.run())
        await until(lambda: invoke.delivered() == 600, timeout=10)
        assert all(values == list(range(20)) for values in invoke.seen.values())
        assert invoke.peak > 1
        await until(lambda: _checkpoint(h) == h.runtime.streams.sequence)
        await h.stop()

    asyncio.run(main())


def test_progress_never_passes_an_open_record() -> None:
    progress = Progress(0)
    progress.read = 10
    progress.opened([2, 4, 6, 9])
    assert progress.checkpoint() == 1
    progress.done([4, 6])
    assert progress.checkpoint() == 1
    progress.done([2])
    assert progress.checkpoint() == 8
    progress.done([9])
    assert progress.checkpoint() == 10


def test_tumbling_window_carries_state_and_closes_on_the_clock() -> None:
    async def main() -> None:
        h = Harness()
        h.create(TumblingWindowInSeconds=60, BatchSize=2, StartingPosition="LATEST")

        def script(n: int) -> Outcome:
            event = rec.calls[-1]
            total = event["state"].get("total", 0) + len(event["Records"])
            return answer({"state": {"total": total}})

        rec = Recorder(script)
        h.start(rec)
        await asyncio.sleep(0.05)
        for key in "abcde":
            h.put(key)
        await until(lambda: sum(len(c["Records"]) for c in rec.calls) == 5)
        assert not any(c["isFinalInvokeForWindow"] for c in rec.calls)
        h.runtime.clock.advance(61)
        await until(lambda: rec.calls[-1]["isFinalInvokeForWindow"])
        final = rec.calls[-1]
        assert final["state"] == {"total": 5} and final["Records"] == []
        assert final["isWindowTerminatedEarly"] is False
        assert final["shardId"].startswith("shardId-") and final["eventSourceARN"] == h.stream.arn
        start, end = final["window"]["start"], final["window"]["end"]
        assert start.endswith(("00Z",)) and end.endswith("00Z") and start < end
        await until(lambda: _checkpoint(h) == h.runtime.streams.sequence)
        await h.stop()

    asyncio.run(main())


def test_tumbling_window_response_without_state_is_a_failure() -> None:
    async def main() -> None:
        h = Harness()
        h.create(TumblingWindowInSeconds=60, StartingPosition="LATEST")
        rec = Recorder(lambda n: answer({}) if n == 1 else answer({"state": {}}))
        h.start(rec)
        await asyncio.sleep(0.05)
        h.put("a")
        await until(lambda: len(rec.calls) == 2)
        assert _keys(rec.calls[1]) == ["a"]  # retried
        await h.stop()

    asyncio.run(main())


def test_window_state_is_saved_with_each_checkpoint_and_cleared_by_the_final_call() -> None:
    async def main() -> None:
        h = Harness()
        h.create(TumblingWindowInSeconds=60, BatchSize=1, StartingPosition="LATEST")
        uuid = next(iter(h.runtime.triggers.mappings))
        rec = Recorder(lambda n: answer({"state": {"calls": n}}))
        h.start(rec)
        await asyncio.sleep(0.05)
        h.put("a")
        h.put("b")
        await until(lambda: len(rec.calls) == 2)
        shard = rec.calls[-1]["shardId"]

        def saved() -> Any:
            blob = store.open_window(h.runtime.storage.conn, uuid, shard)
            return None if blob is None else orjson.loads(blob)["state"]

        await until(lambda: saved() == {"calls": 2})
        assert _checkpoint(h) == h.runtime.streams.sequence  # saved with the state
        h.runtime.clock.advance(61)
        await until(lambda: saved() is None)
        assert rec.calls[-1]["isFinalInvokeForWindow"] is True
        await h.stop()

    asyncio.run(main())


def test_a_failed_batch_is_retried_with_the_state_it_was_sent_with() -> None:
    async def main() -> None:
        h = Harness()
        h.create(TumblingWindowInSeconds=60, StartingPosition="LATEST",
                 FunctionResponseTypes=["ReportBatchItemFailures"])
        # The first answer carries a state but a malformed batchItemFailures: a failure.
        rec = Recorder(lambda n: answer({"state": {"n": n}, "batchItemFailures": "x"}
                                        if n == 1 else {"state": {"n": n}}))
        h.start(rec)
        await asyncio.sleep(0.05)
        h.put("a")
        await until(lambda: len(rec.calls) == 2)
        assert _keys(rec.calls[1]) == ["a"] and rec.calls[1]["state"] == {}
        await h.stop()

    asyncio.run(main())


def test_state_over_1_mb_ends_the_window_early() -> None:
    async def main() -> None:
        h = Harness()
        h.create(TumblingWindowInSeconds=900, BatchSize=1, StartingPosition="LATEST")
        big = "x" * (1024 * 1024)
        rec = Recorder(lambda n: answer({"state": {"blob": big} if n == 1 else {}}))
        h.start(rec)
        await asyncio.sleep(0.05)
        h.put("a")
        await until(lambda: len(rec.calls) >= 2)
        assert rec.calls[1]["isFinalInvokeForWindow"] is True
        assert rec.calls[1]["isWindowTerminatedEarly"] is True
        h.put("b")
        await until(lambda: len(rec.calls) >= 3)
        assert rec.calls[2]["state"] == {} and _keys(rec.calls[2]) == ["b"]
        await h.stop()

    asyncio.run(main())



def test_a_failing_lane_blocks_only_itself_and_the_checkpoint() -> None:
    async def main() -> None:
        h = Harness()
        h.put("poison")
        for i in range(30):
            h.put(f"k{i}", i)
        h.create(BatchSize=1, ParallelizationFactor=10)
        healed = False

        def script(n: int) -> Outcome:
            return FAIL if "poison" in _keys(rec.calls[-1]) and not healed else Outcome()

        def lane(key: str) -> int:
            return lane_of({"dynamodb": {"Keys": {"pk": {"S": key}}}}, "pk", 10)

        free = {f"k{i}" for i in range(30) if lane(f"k{i}") != lane("poison")}
        assert 10 < len(free) < 30
        rec = Recorder(script)
        h.start(rec)
        await until(lambda: {k for c in rec.calls for k in _keys(c)} >= free | {"poison"})
        poison_seq = int(rec.calls[0]["Records"][0]["dynamodb"]["SequenceNumber"])
        assert _keys(rec.calls[0]) == ["poison"]
        await asyncio.sleep(0.02)
        assert sum("poison" in _keys(c) for c in rec.calls) > 2  # still retrying
        uuid = next(iter(h.runtime.triggers.mappings))
        assert store.checkpoints(h.runtime.storage.conn, uuid) == {} or \
            _checkpoint(h) < poison_seq
        delivered = {k for c in rec.calls for k in _keys(c)}
        assert not delivered & ({f"k{i}" for i in range(30)} - free)  # behind the poison
        healed = True
        await until(lambda: _checkpoint(h) == h.runtime.streams.sequence)
        await h.stop()

    asyncio.run(main())


def test_lanes_resume_from_the_checkpoint_after_a_restart() -> None:
    async def main() -> None:
        h = Harness()
        for n in range(5):
            for key in range(20):
                h.put(f"key{key}", n)
        h.create(BatchSize=2, ParallelizationFactor=4)
        seen: list[tuple[str, int]] = []

        async def slow(*args: Any) -> Outcome:
            await asyncio.sleep(0.001)
            for r in orjson.loads(args[3])["Records"]:
                seen.append((r["dynamodb"]["Keys"]["pk"]["S"],
                             int(r["dynamodb"]["NewImage"]["n"]["N"])))
            return Outcome()

        h.runtime.triggers._invoker = slow
        h.task = asyncio.create_task(h.runtime.triggers.run())
        await until(lambda: len(seen) >= 30)
        await h.stop()
        h.runtime.triggers._stopping = False
        h.task = asyncio.create_task(h.runtime.triggers.run())
        await until(lambda: {(k, n) for k, n in seen} ==
                    {(f"key{k}", n) for k in range(20) for n in range(5)})
        for key in range(20):  # at least once, and in order per key on the first pass
            versions = [n for k, n in seen if k == f"key{key}"]
            assert sorted(set(versions)) == list(range(5))
        await until(lambda: _checkpoint(h) == h.runtime.streams.sequence)
        await h.stop()

    asyncio.run(main())


def test_a_clock_advance_ends_the_batching_window() -> None:
    async def main() -> None:
        h = Harness()
        h.create(MaximumBatchingWindowInSeconds=300, StartingPosition="LATEST")
        rec = Recorder()
        h.start(rec)
        await asyncio.sleep(0.05)
        h.put("a")
        h.put("b")
        await asyncio.sleep(0.05)
        assert rec.calls == []
        h.runtime.clock.advance(301)
        await until(lambda: len(rec.calls) == 1)
        assert _keys(rec.calls[0]) == ["a", "b"]
        await h.stop()

    asyncio.run(main())


def _lane(key: str) -> int:
    return lane_of({"dynamodb": {"Keys": {"pk": {"S": key}}}}, "pk", 10)


def test_a_batch_fills_from_several_lanes_and_keeps_each_key_in_order() -> None:
    async def main() -> None:
        h = Harness()
        keys = [f"k{i}" for i in range(40)]
        for n in range(3):
            for key in keys:
                h.put(key, n)
        h.create(BatchSize=7, ParallelizationFactor=10)
        invoke = KeyRecorder(0.001)
        h.runtime.triggers._invoker = invoke
        h.task = asyncio.create_task(h.runtime.triggers.run())
        await until(lambda: invoke.delivered() == 120)
        assert all(invoke.seen[key] == [0, 1, 2] for key in keys)
        batches = invoke.batches
        # Every batch is full (the 120 records were read at once): 18 of 7 and one of 1,
        # where one batch per lane would have cut them into many more.
        assert sorted(map(len, batches)) == [1] + [7] * 17
        assert any(len({_lane(key) for key in batch}) > 1 for batch in batches)
        await until(lambda: _checkpoint(h) == h.runtime.streams.sequence)
        await h.stop()

    asyncio.run(main())


def test_a_failing_batch_of_several_lanes_blocks_exactly_those_lanes() -> None:
    async def main() -> None:
        h = Harness()
        poison = "poison"
        others = [f"k{i}" for i in range(60)]
        partner = next(k for k in others if _lane(k) != _lane(poison))
        same = next(k for k in others if _lane(k) == _lane(poison))
        free = [k for k in others if _lane(k) not in (_lane(poison), _lane(partner))][:20]
        # The first batch (BatchSize 2) takes partner's lane, the oldest, then the oldest
        # record of poison's lane: `same` waits behind it in that lane.
        h.put(partner)
        h.put(poison)
        for key in free:
            h.put(key)
        h.put(same)
        h.create(BatchSize=2, ParallelizationFactor=10)
        healed = False

        def script(n: int) -> Outcome:
            return FAIL if poison in _keys(rec.calls[-1]) and not healed else Outcome()

        rec = Recorder(script)
        h.start(rec)
        await until(lambda: {k for c in rec.calls for k in _keys(c)} >= set(free))
        await asyncio.sleep(0.02)
        failing = [c for c in rec.calls if poison in _keys(c)]
        assert len(failing) > 2  # still retrying, the whole batch each time
        assert all(_keys(c) == [partner, poison] for c in failing)
        assert same not in {k for c in rec.calls for k in _keys(c)}
        poison_seq = int(failing[0]["Records"][1]["dynamodb"]["SequenceNumber"])
        uuid = next(iter(h.runtime.triggers.mappings))
        assert store.checkpoints(h.runtime.storage.conn, uuid) == {} or \
            _checkpoint(h) < poison_seq
        healed = True
        await until(lambda: _checkpoint(h) == h.runtime.streams.sequence)
        last = max(i for i, c in enumerate(rec.calls) if poison in _keys(c))
        assert [k for c in rec.calls[last + 1:] for k in _keys(c)] == [same]
        await h.stop()

    asyncio.run(main())


def test_a_short_batch_waits_for_a_batch_in_flight_unless_a_batching_window_passed() -> None:
    async def run(window: int) -> list[str]:
        h = Harness()
        slow = "slow"
        other = next(f"k{i}" for i in range(50) if _lane(f"k{i}") != _lane(slow))
        h.create(BatchSize=10, ParallelizationFactor=10, StartingPosition="LATEST",
                 MaximumBatchingWindowInSeconds=window)
        release = asyncio.Event()
        invoked: list[str] = []

        async def invoke(*args: Any) -> Outcome:
            keys = [r["dynamodb"]["Keys"]["pk"]["S"] for r in orjson.loads(args[3])["Records"]]
            invoked.extend(keys)
            if slow in keys:
                await release.wait()
            return Outcome()

        h.runtime.triggers._invoker = invoke
        h.task = asyncio.create_task(h.runtime.triggers.run())
        await asyncio.sleep(0.05)
        h.put(slow)
        await asyncio.sleep(0.05)  # the consumer waits in the window now
        h.runtime.clock.advance(window + 1)
        await until(lambda: invoked == [slow])
        h.put(other)
        await asyncio.sleep(0.05)
        h.runtime.clock.advance(window + 1)
        await asyncio.sleep(0.05)
        seen = list(invoked)  # while the slow batch is still in flight
        release.set()
        await until(lambda: other in invoked)
        await h.stop()
        return seen

    # No window: one record is no full batch; it waits for the batch in flight.
    assert asyncio.run(run(0)) == ["slow"]
    # A window passed: the records waited for a full batch already; the short one goes.
    assert asyncio.run(run(2)) == ["slow", next(
        f"k{i}" for i in range(50) if _lane(f"k{i}") != _lane("slow"))]


def test_a_partial_response_in_a_batch_of_several_lanes_keeps_them_claimed() -> None:
    async def main() -> None:
        h = Harness()
        first = "a0"
        second = next(f"k{i}" for i in range(50) if _lane(f"k{i}") != _lane(first))
        free = [f"k{i}" for i in range(50)
                if _lane(f"k{i}") not in (_lane(first), _lane(second))][:6]
        # Batch 1 (BatchSize 3): first's lane (1 record), then second's lane (2 of 3).
        h.put(first)
        h.put(second, 0)
        h.put(second, 1)
        for key in free:
            h.put(key)
        h.put(second, 2)  # behind batch 1 in second's lane
        h.create(BatchSize=3, ParallelizationFactor=10,
                 FunctionResponseTypes=["ReportBatchItemFailures"])
        failed_once = False

        def script(n: int) -> Outcome:
            nonlocal failed_once
            records = rec.calls[-1]["Records"]
            if [r["dynamodb"]["Keys"]["pk"]["S"] for r in records][:1] == [first] \
                    and not failed_once:
                failed_once = True  # the second record (second's version 0) failed
                return answer({"batchItemFailures": [
                    {"itemIdentifier": records[1]["dynamodb"]["SequenceNumber"]}]})
            return answer({"batchItemFailures": []})

        rec = Recorder(script)
        h.start(rec)
        uuid = next(iter(h.runtime.triggers.mappings))
        await until(lambda: bool(store.checkpoints(h.runtime.storage.conn, uuid))
                    and _checkpoint(h) == h.runtime.streams.sequence)
        versions = [(r["dynamodb"]["Keys"]["pk"]["S"], int(r["dynamodb"]["NewImage"]["n"]["N"]))
                    for c in rec.calls for r in c["Records"]]
        assert _keys(rec.calls[0]) == [first, second, second]
        retry = next(i for i, c in enumerate(rec.calls) if i and second in _keys(c))
        assert _keys(rec.calls[retry]) == [second, second]  # from the reported item on
        assert [v for k, v in versions if k == second] == [0, 1, 0, 1, 2]
        assert versions.count((first, 0)) == 1  # checkpointed before the reported item
        await h.stop()

    asyncio.run(main())


def test_a_batch_full_by_its_6_mb_payload_does_not_wait_for_batch_size() -> None:
    async def main() -> None:
        h = Harness()
        big = "x" * 300_000
        for n in range(3):
            for key in range(20):
                item = {"pk": {"S": f"key{key}"}, "n": {"N": str(n)}, "blob": {"S": big}}
                with h.runtime.storage.transaction() as conn:
                    h.runtime.streams.record_change(conn, "000000000000", "us-east-1",
                                                    "orders", f"key{key}".encode(),
                                                    {"pk": item["pk"]}, None, item)
        h.create(BatchSize=100, ParallelizationFactor=10)
        invoke = KeyRecorder(0.01)
        h.runtime.triggers._invoker = invoke
        h.task = asyncio.create_task(h.runtime.triggers.run())
        await until(lambda: invoke.delivered() == 60, timeout=20)
        assert all(versions == [0, 1, 2] for versions in invoke.seen.values())
        assert max(invoke.sizes) <= 6 * 1024 * 1024
        assert invoke.peak > 1  # 60 records are no BatchSize of 100, but 6 MB batches run at once
        await h.stop()

    asyncio.run(main())
