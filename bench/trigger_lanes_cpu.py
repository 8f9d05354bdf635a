"""In-process CPU cost of ParallelizationFactor on a function with one execution environment.

    .venv/bin/python bench/trigger_lanes_cpu.py [--records 8000] [--shards 1 4] [--repeat 5]

The stream triggers (consumer, lanes, delivery, checkpoints, metrics) run in process against
an in-memory change log, like tests/unit/triggers/trigger_harness.py, and invoke a simulated
function: the real EnvironmentPool with one environment that every invocation takes (waiting
for it when busy) and gives back after a few loop rounds (the worker's run). The pool's
`crowded` is forced: True as on a server whose loop never waits (a no-op handler), or False
with `--spare` (a core is spare: the ParallelizationFactor's batches all go). The figure is
the process's CPU time per delivered record, PF 1 and PF 10 runs alternating, medians; no
worker process, HTTP or log writes, so it isolates what the lanes add and is steadier than
bench/trigger_controls.py's wall clock on a loaded machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from typing import Any

from headwater.core.context import RequestContext
from headwater.functions.pool import EnvironmentPool
from headwater.runtime import Runtime
from headwater.settings import Settings
from headwater.triggers.invoking import Outcome
from headwater.triggers.service import OPERATIONS

ACCOUNT, REGION = "000000000000", "us-east-1"
KEY = (1, "$LATEST", "rev")
QUEUED = "queued" in Outcome.__dataclass_fields__  # False on trees before the signal
WORKER_ROUNDS = 3  # loop rounds an invocation holds the environment


class AnyFunction:
    def resolve(self, *args: Any) -> None:
        return None

    def close(self) -> None:
        pass


class Environment:
    key = KEY
    alive = True
    retired = False
    current: object | None = None
    last_used = 0.0


class OneEnvironment:
    """An invoker over the real pool with one environment."""

    def __init__(self, pool: EnvironmentPool) -> None:
        self.pool = pool
        self.calls = 0
        self.records = 0
        env = Environment()
        pool.register(env)  # type: ignore[arg-type]
        pool.give_back(env)  # type: ignore[arg-type]

    async def __call__(self, account: str, region: str, function: str, payload: bytes,
                       qualifier: str | None) -> Outcome:
        pool = self.pool
        env = pool.take_idle(KEY)
        queued = False
        while env is None:
            env = await pool.take_warm(KEY)
            queued = env is not None and pool.crowded()
        for _ in range(WORKER_ROUNDS):
            await asyncio.sleep(0)
        self.calls += 1
        self.records += payload.count(b'"eventID"')
        if pool.give_back(env):
            await asyncio.sleep(0)
        return Outcome(queued=queued) if QUEUED else Outcome()


async def run(factor: int, shards: int, records: int, spare: bool) -> tuple[float, int]:
    runtime = Runtime(Settings(stream_shards=shards))
    runtime.functions = AnyFunction()  # type: ignore[assignment]
    pool = EnvironmentPool(runtime.clock)
    pool.crowded = lambda: not spare  # type: ignore[method-assign]
    pool._cpu.spare = lambda: spare  # type: ignore[method-assign]
    ctx = RequestContext(ACCOUNT, REGION, "req", runtime)
    keys = [{"AttributeName": "pk", "KeyType": "HASH"}]
    with runtime.storage.transaction():
        stream = runtime.streams.create_stream(ACCOUNT, REGION, "orders", "NEW_AND_OLD_IMAGES",
                                               keys, shards)
    for start in range(0, records, 100):
        with runtime.storage.transaction() as conn:
            for i in range(start, min(start + 100, records)):
                pk = f"key-{i % 500}-{i}"
                item = {"pk": {"S": pk}, "n": {"N": str(i)}}
                runtime.streams.record_change(conn, ACCOUNT, REGION, "orders", pk.encode(),
                                              {"pk": {"S": pk}}, None, item)
    invoker = OneEnvironment(pool)
    runtime.triggers._invoker = invoker
    started = time.process_time()
    task = asyncio.create_task(runtime.triggers.run())
    OPERATIONS["CreateEventSourceMapping"](ctx, {
        "FunctionName": "fn", "EventSourceArn": stream.arn, "StartingPosition": "TRIM_HORIZON",
        "BatchSize": 10, "ParallelizationFactor": factor})
    while invoker.records < records:
        await asyncio.sleep(0.001)
    cpu = time.process_time() - started
    await runtime.triggers.stop()
    await task
    runtime.close()
    return cpu / records * 1e6, invoker.calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=8000)
    parser.add_argument("--shards", type=int, nargs="*", default=[1, 4])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--spare", action="store_true",
                        help="a core is spare: invocations that wait never count as queued")
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}")
    for shards in args.shards:
        figures: dict[int, list[float]] = {1: [], 10: []}
        calls: dict[int, set[int]] = {1: set(), 10: set()}
        for _ in range(args.repeat):
            for factor in (1, 10):
                us, count = asyncio.run(run(factor, shards, args.records, args.spare))
                figures[factor].append(us)
                calls[factor].add(count)
        one, ten = statistics.median(figures[1]), statistics.median(figures[10])
        print(f"{shards} shard(s), {args.records} records, one environment, "
              f"{'spare core' if args.spare else 'crowded'}: CPU per record PF 1 {one:.1f} us, "
              f"PF 10 {ten:.1f} us ({ten / one - 1:+.1%}); invocations {sorted(calls[1])} / "
              f"{sorted(calls[10])}")


if __name__ == "__main__":
    main()
