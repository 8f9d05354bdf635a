"""An in-process runtime with a stream, a scripted invoker and a running trigger manager."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import orjson

from headwater.core.context import RequestContext
from headwater.runtime import Runtime
from headwater.settings import Settings
from headwater.triggers.invoking import Outcome
from headwater.triggers.service import OPERATIONS

ACCOUNT, REGION = "000000000000", "us-east-1"
KEY_SCHEMA = [{"AttributeName": "pk", "KeyType": "HASH"}]


class Recorder:
    """An invoker that records each payload and answers with `script(call_number)`."""

    def __init__(self, script: Callable[[int], Outcome] | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.script = script or (lambda n: Outcome())
        self.event = asyncio.Event()

    async def __call__(self, account: str, region: str, function: str, payload: bytes,
                       qualifier: str | None) -> Outcome:
        self.calls.append(orjson.loads(payload))
        self.event.set()
        return self.script(len(self.calls))

    def sequences(self) -> list[list[str]]:
        return [[r["dynamodb"]["SequenceNumber"] for r in c["Records"]] for c in self.calls]


class KeyRecorder:
    """An invoker that takes `delay` seconds per batch and records, per partition key, the
    `n` values delivered in order (`seen`), each batch's keys and payload size, and the
    most batches in flight at once (`peak`)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.seen: dict[str, list[int]] = {}
        self.batches: list[list[str]] = []
        self.sizes: list[int] = []
        self.running = self.peak = 0

    def delivered(self) -> int:
        return sum(map(len, self.seen.values()))

    async def __call__(self, account: str, region: str, function: str, payload: bytes,
                       qualifier: str | None) -> Outcome:
        self.running += 1
        self.peak = max(self.peak, self.running)
        self.sizes.append(len(payload))
        await asyncio.sleep(self.delay)
        records = orjson.loads(payload)["Records"]
        self.batches.append([r["dynamodb"]["Keys"]["pk"]["S"] for r in records])
        for r in records:
            self.seen.setdefault(r["dynamodb"]["Keys"]["pk"]["S"], []).append(
                int(r["dynamodb"]["NewImage"]["n"]["N"]))
        self.running -= 1
        return Outcome()


class AnyFunction:
    """A function layer where every function exists (the scripted invoker runs them)."""

    def resolve(self, *args: Any) -> None:
        return None


class Harness:
    def __init__(self, shards: int = 1, retry_delay: float = 0.0, **settings: Any) -> None:
        self.runtime = Runtime(Settings(stream_shards=shards, trigger_retry_delay=retry_delay,
                                        **settings))
        self.runtime.functions = AnyFunction()  # type: ignore[assignment]
        self.ctx = RequestContext(ACCOUNT, REGION, "req", self.runtime)
        with self.runtime.storage.transaction():
            self.stream = self.runtime.streams.create_stream(ACCOUNT, REGION, "orders",
                                                             "NEW_AND_OLD_IMAGES", KEY_SCHEMA,
                                                             shards)
        self.task: asyncio.Task[None] | None = None

    def put(self, pk: str, n: int = 0, ttl: bool = False) -> None:
        item = {"pk": {"S": pk}, "n": {"N": str(n)}}
        with self.runtime.storage.transaction() as conn:
            self.runtime.streams.record_change(
                conn, ACCOUNT, REGION, "orders", pk.encode(), {"pk": {"S": pk}},
                None if not ttl else item, item if not ttl else None, ttl_delete=ttl)

    def call(self, operation: str, **request: Any) -> dict[str, Any]:
        return OPERATIONS[operation](self.ctx, request)  # type: ignore[no-any-return]

    def create(self, **request: Any) -> dict[str, Any]:
        request.setdefault("FunctionName", "fn")
        request.setdefault("EventSourceArn", self.stream.arn)
        request.setdefault("StartingPosition", "TRIM_HORIZON")
        return self.call("CreateEventSourceMapping", **request)

    def start(self, invoker: Recorder) -> None:
        self.runtime.triggers._invoker = invoker
        self.task = asyncio.create_task(self.runtime.triggers.run())

    async def stop(self) -> None:
        await self.runtime.triggers.stop()
        if self.task is not None:
            await self.task


async def until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.005)
