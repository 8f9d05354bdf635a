"""ParallelizationFactor while a function's invocations queue for an execution environment
(Outcome.queued, functions/pool.py `crowded`): a shard runs one batch at a time in shard
order, and starts batches beside it again once invocations stop queueing; per-key order holds
across the change, retries included."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import orjson
from trigger_harness import Harness, until

from headwater.triggers.invoking import Outcome
from headwater.triggers.lanes import lane_of

FAIL = Outcome(function_error="Unhandled", payload=b'{"errorMessage":"boom"}')


class Environments:
    """An invoker whose invocations queue for environments while `queued(call)` says so: it
    records each call's records as (key, n), how many batches were in flight when it began
    and what it answered; `fail(call, keys)` makes a call fail."""

    def __init__(self, queued: Callable[[int], bool],
                 fail: Callable[[int, list[str]], bool] = lambda call, keys: False) -> None:
        self.queued = queued
        self.fail = fail
        self.calls: list[list[tuple[str, int]]] = []
        self.alongside: list[int] = []  # batches already in flight when each call began
        self.failed: list[bool] = []
        self.running = 0

    async def __call__(self, account: str, region: str, function: str, payload: bytes,
                       qualifier: str | None) -> Outcome:
        call = len(self.calls)
        records = [(r["dynamodb"]["Keys"]["pk"]["S"], int(r["dynamodb"]["NewImage"]["n"]["N"]))
                   for r in orjson.loads(payload)["Records"]]
        self.calls.append(records)
        self.alongside.append(self.running)
        self.running += 1
        try:
            await asyncio.sleep(0.002)
        finally:
            self.running -= 1
        failed = self.fail(call, [key for key, _ in records])
        self.failed.append(failed)
        queued = self.queued(call)
        return Outcome(function_error=FAIL.function_error, payload=FAIL.payload,
                       queued=queued) if failed else Outcome(queued=queued)

    def delivered(self) -> dict[str, list[int]]:
        """Per key, the n of its records in the calls that succeeded, in call order."""
        seen: dict[str, list[int]] = {}
        for records, failed in zip(self.calls, self.failed, strict=False):
            if not failed:
                for key, n in records:
                    seen.setdefault(key, []).append(n)
        return seen


def _backlog(h: Harness, keys: int, rounds: int) -> list[str]:
    names = [f"k{i}" for i in range(keys)]
    for n in range(rounds):
        for key in names:
            h.put(key, n)
    return names


def test_while_invocations_queue_a_shard_runs_one_batch_at_a_time_in_shard_order() -> None:
    async def main() -> None:
        h = Harness()
        keys = _backlog(h, 40, 5)  # 200 records: PF 10 starts 10 batches of one lane each
        h.create(BatchSize=10, ParallelizationFactor=10)
        env = Environments(queued=lambda call: True)
        h.start(env)  # type: ignore[arg-type]
        await until(lambda: sum(map(len, env.delivered().values())) == 200)
        assert all(env.delivered()[key] == [0, 1, 2, 3, 4] for key in keys)
        assert max(env.alongside[:10]) > 0  # before any answer, batches ran side by side
        # Once the first answers said "queued", no batch began beside another, and each took
        # the oldest ten records left in the shard (k0..k39 round by round), not one lane's.
        alone = [i for i, n in enumerate(env.alongside) if n == 0 and i >= 10]
        assert alone and alone == list(range(alone[0], len(env.calls)))
        assert len(env.calls) - alone[0] >= 5
        order = [keys.index(k) + 40 * n for i in alone[1:] for k, n in env.calls[i]]
        assert order == sorted(order)
        assert all(len(env.calls[i]) == 10 for i in alone[1:-1])
        assert any(len({lane_of({"dynamodb": {"Keys": {"pk": {"S": k}}}}, "pk", 10)
                        for k, _ in env.calls[i]}) > 1 for i in alone)
        await h.stop()

    asyncio.run(main())


def test_batches_run_side_by_side_again_once_invocations_stop_queueing() -> None:
    async def main() -> None:
        h = Harness()
        keys = _backlog(h, 40, 10)  # 400 records
        h.create(BatchSize=10, ParallelizationFactor=10)
        env = Environments(queued=lambda call: call < 20)
        h.start(env)  # type: ignore[arg-type]
        await until(lambda: sum(map(len, env.delivered().values())) == 400)
        assert all(env.delivered()[key] == list(range(10)) for key in keys)
        assert env.alongside[12:21] == [0] * 9  # queued: one at a time
        assert max(env.alongside[21:]) > 0  # environments free: side by side again
        await h.stop()

    asyncio.run(main())


def test_a_failing_batch_taken_in_shard_order_blocks_only_its_own_lanes() -> None:
    async def main() -> None:
        h = Harness()
        keys = _backlog(h, 40, 5)
        h.create(BatchSize=10, ParallelizationFactor=10)
        poison = keys[5]
        healed: list[bool] = []

        def fail(call: int, batch: list[str]) -> bool:
            # A batch taken in shard order (after the first answers) holding poison's record
            # fails until the other lanes got going beside it.
            return poison in batch and call >= 10 and not healed

        # Queued until the batch fails: its retry waits while the other lanes go on.
        env = Environments(queued=lambda call: not env.failed[-1], fail=fail)
        h.start(env)  # type: ignore[arg-type]
        await until(lambda: any(env.failed))
        first_fail = env.failed.index(True)
        lanes = {lane_of({"dynamodb": {"Keys": {"pk": {"S": k}}}}, "pk", 10)
                 for k, _ in env.calls[first_fail]}
        await until(lambda: len(env.calls) > first_fail + 4)
        healed.append(True)
        await until(lambda: sum(map(len, env.delivered().values())) == 200)
        # Every key in order, each record delivered once (the failed tries do not count).
        assert all(env.delivered()[key] == [0, 1, 2, 3, 4] for key in keys)
        settled = next(i for i in range(first_fail + 1, len(env.calls))
                       if env.calls[i] == env.calls[first_fail] and not env.failed[i])
        beside = [k for c in env.calls[first_fail + 1:settled] if c != env.calls[first_fail]
                  for k, _ in c]
        assert beside  # other lanes went on meanwhile
        assert not lanes & {lane_of({"dynamodb": {"Keys": {"pk": {"S": k}}}}, "pk", 10)
                            for k in beside}
        await h.stop()

    asyncio.run(main())
