"""Execution environments by function version: warm reuse, concurrency accounting and throttles
(aws-facts §5.4), retirement on code or configuration change, and idle reaping on the clock.
Runs as a background worker (the reaper).

At most `max_workers` worker processes live at once: AWS's account concurrency (1,000) unless
the machine holds fewer (default_max_workers). Invocations beyond it are throttled as AWS
throttles past the account's concurrency; a new environment past it first ends the idle
environment used longest ago."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import resource
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from headwater.core.clock import Clock
from headwater.functions.environment import Environment
from headwater.functions.errors import TooManyRequestsException

if TYPE_CHECKING:
    from headwater.functions.invocation import Resolved

log = logging.getLogger("headwater.functions")

IDLE_TIMEOUT = 300.0  # clock seconds an environment stays warm without work
REAP_INTERVAL = 1.0
ACCOUNT_LIMIT = 1000
WORKER_MEMORY_MB = 128  # what one worker is assumed to need when sizing the default cap
FDS_PER_WORKER = 5  # the server's ends: output pipe, Runtime API listener and connection(s),
# and the status file its peak memory is read from (worker_processes.PeakReader)
# How long an invocation may wait for a busy environment instead of starting one: the
# function's measured cold start, within these bounds (the first, before any is measured).
MIN_PATIENCE = 0.02
MAX_PATIENCE = 0.5
FIRST_PATIENCE = 0.1
SMOOTHING = 0.2  # weight of the newest sample in the moving averages below
MAX_WAIT = 1.0  # seconds an invocation waits for a busy environment before starting one


def default_max_workers() -> int:
    """ACCOUNT_LIMIT, or fewer when the machine's memory or the server's open-file limit
    cannot hold that many workers; at least 4."""
    limits = [ACCOUNT_LIMIT]
    try:
        memory_mb = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)
        limits.append(memory_mb // WORKER_MEMORY_MB)
    except (ValueError, OSError):
        pass
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft != resource.RLIM_INFINITY:
        limits.append((soft - 256) // FDS_PER_WORKER)
    return max(4, min(limits))


def environment_key(resolved: Resolved) -> tuple[int, str, str]:
    return (resolved.record.id, resolved.version, resolved.config["RevisionId"])


class EnvironmentPool:
    def __init__(self, clock: Clock, max_workers: int = ACCOUNT_LIMIT) -> None:
        self.clock = clock
        self.max_workers = max_workers
        self.idle: dict[Any, list[Environment]] = {}
        self.environments: set[Environment] = set()
        self.inflight: dict[int, int] = {}
        self.total = 0
        self.reserved: set[int] = set()  # running functions with reserved concurrency
        self._stopped: asyncio.Event | None = None
        # Per environment key: moving averages of an invocation's and a cold start's seconds,
        # and the invocations waiting for one of its busy environments.
        self._run_seconds: dict[Any, float] = {}
        self._start_seconds: dict[Any, float] = {}
        self._waiting: dict[Any, list[asyncio.Future[Environment | None]]] = {}
        self._starting: dict[Any, int] = {}
        self._cpu = SpareCpu()

    def admit(self, resolved: Resolved) -> None:
        """Count one more execution of the function, or raise the throttle."""
        function_id = resolved.record.id
        running = self.inflight.get(function_id, 0)
        reserved = resolved.record.reserved
        if reserved is not None and running >= reserved:
            raise TooManyRequestsException(
                "Rate Exceeded.", Reason="ReservedFunctionConcurrentInvocationLimitExceeded")
        if self.total >= min(ACCOUNT_LIMIT, self.max_workers):
            raise TooManyRequestsException(
                "Rate Exceeded.", Reason="ConcurrentInvocationLimitExceeded")
        self.inflight[function_id] = running + 1
        self.total += 1
        if reserved is not None:
            self.reserved.add(function_id)

    def release(self, function_id: int) -> None:
        self.inflight[function_id] -= 1
        if not self.inflight[function_id]:
            del self.inflight[function_id]
            self.reserved.discard(function_id)
        self.total -= 1

    def unreserved(self) -> int:
        """Executions running now of functions without reserved concurrency (AWS's
        UnreservedConcurrentExecutions)."""
        return self.total - sum(self.inflight.get(f, 0) for f in self.reserved)

    def take_idle(self, key: Any) -> Environment | None:
        envs = self.idle.get(key)
        while envs:
            env = envs.pop()
            if env.alive and not env.retired:
                return env
            self._discard(env)
        return None

    async def take_warm(self, key: Any) -> Environment | None:
        """An idle environment, or a busy one given back while waiting; None: start a new one.

        Waiting pays when the key's invocations are quicker than its cold start: each wait
        lasts at most one cold start, and while another environment of the key is starting
        the caller waits again rather than start a second one at the same moment, so
        environments are added one at a time, as long as callers still wait a cold start's
        time for one. And only while the machine has a spare core: once the server and the
        workers use every core, another worker adds a cold start and no throughput (for at
        most MAX_WAIT; then a caller starts one anyway, so nothing waits on a stuck one)."""
        env = self.take_idle(key)
        if env is not None:
            return env
        patience = self.patience(key)
        running = self._run_seconds.get(key)
        if running is not None and running >= patience:
            return None  # slow invocations: concurrency pays for the cold start
        loop = asyncio.get_running_loop()
        give_up = loop.time() + MAX_WAIT
        while any(e.key == key and e.alive and not e.retired for e in self.environments):
            env = await self._wait_given_back(key, patience)
            if env is not None:
                return env
            if loop.time() >= give_up:
                return None  # nothing came back in time (a stuck or slow-starting one)
            if not self._starting.get(key) and self._cpu.spare():
                return None
        return None

    async def _wait_given_back(self, key: Any, patience: float) -> Environment | None:
        """An environment give_back hands over within `patience` seconds, or None. The caller
        awaits the waiter itself (no shield or wait_for in between), so it runs in the loop's
        next round: before the giver's bookkeeping when the giver yields once (invoker)."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Environment | None] = loop.create_future()
        self._waiting.setdefault(key, []).append(waiter)
        timer = loop.call_later(patience, _expire, waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            handed = waiter.result() if waiter.done() and not waiter.cancelled() else None
            if handed is not None:
                self.give_back(handed)  # handed over, but nobody will use it
            raise
        finally:
            timer.cancel()
            waiters = self._waiting.get(key)
            if waiters is not None and waiter in waiters:
                waiters.remove(waiter)
                if not waiters:
                    del self._waiting[key]

    def crowded(self) -> bool:
        """Whether invocations that wait for a busy environment wait for the server itself:
        its event loop never waits (SpareCpu.loop_busy), so neither another environment nor
        more invocations at once would go faster. Not the machine's idle share: a handler
        that sleeps or waits on I/O gains from more environments on a loaded machine too
        (the pool adds them when a core is spare, take_warm)."""
        return self._cpu.loop_busy()

    def patience(self, key: Any) -> float:
        started = self._start_seconds.get(key)
        if started is None:
            return FIRST_PATIENCE
        return min(MAX_PATIENCE, max(MIN_PATIENCE, started))

    def start_began(self, key: Any) -> None:
        self._starting[key] = self._starting.get(key, 0) + 1

    def start_ended(self, key: Any, seconds: float) -> None:
        """A cold start of the key's ended (ready or failed) after `seconds`."""
        self._starting[key] -= 1
        if not self._starting[key]:
            del self._starting[key]
        self._start_seconds[key] = _average(self._start_seconds.get(key), seconds)

    def observe_run(self, key: Any, seconds: float) -> None:
        self._run_seconds[key] = _average(self._run_seconds.get(key), seconds)

    def make_room(self) -> None:
        """Before a new environment starts: end idle ones while the cap is reached."""
        while len(self.environments) >= self.max_workers:
            idle = [env for envs in self.idle.values() for env in envs]
            if not idle:
                return
            self._discard(min(idle, key=lambda env: env.last_used))

    def register(self, env: Environment) -> None:
        self.environments.add(env)

    def give_back(self, env: Environment) -> bool:
        """Idle again: to an invocation waiting for one (True), or to the idle list."""
        if not env.alive or env.retired or (self._stopped is not None and self._stopped.is_set()):
            self._discard(env)
            return False
        env.current = None
        env.last_used = self.clock.now()
        for waiter in self._waiting.get(env.key, []):
            if not waiter.done():
                waiter.set_result(env)  # straight to an invocation waiting for it
                return True
        self.idle.setdefault(env.key, []).append(env)
        return False

    def forget(self, env: Environment) -> None:
        self._discard(env)

    def retire(self, function_id: int, version: str | None) -> None:
        """Code or configuration changed (or the function went): no new work for these."""
        for env in list(self.environments):
            if env.key[0] == function_id and (version is None or env.key[1] == version):
                env.retired = True
        for key in [k for k in self.idle if k[0] == function_id
                    and (version is None or k[1] == version)]:
            for env in self.idle.pop(key):
                self._discard(env)
        for key in [k for k in self._run_seconds if k[0] == function_id
                    and (version is None or k[1] == version)]:
            self._run_seconds.pop(key, None)
            self._start_seconds.pop(key, None)

    def _discard(self, env: Environment) -> None:
        self.environments.discard(env)
        envs = self.idle.get(env.key)
        if envs and env in envs:
            envs.remove(env)
        asyncio.get_running_loop().create_task(env.close())

    async def run(self) -> None:
        self._stopped = asyncio.Event()
        clock = self.clock
        while not self._stopped.is_set():
            sleeper = asyncio.ensure_future(clock.sleep_until(clock.now() + REAP_INTERVAL))
            stopper = asyncio.ensure_future(self._stopped.wait())
            await asyncio.wait([sleeper, stopper], return_when=asyncio.FIRST_COMPLETED)
            for task in (sleeper, stopper):
                task.cancel()
            now = clock.now()
            for key, envs in list(self.idle.items()):
                for env in [e for e in envs if now - e.last_used >= IDLE_TIMEOUT or not e.alive]:
                    self._discard(env)
                if not envs:
                    self.idle.pop(key, None)

    async def stop(self) -> None:
        if self._stopped is not None:
            self._stopped.set()
        self._cpu.close()
        envs = list(self.environments)
        self.environments.clear()
        self.idle.clear()
        with contextlib.suppress(Exception):
            await asyncio.gather(*(env.close() for env in envs), return_exceptions=True)


def _expire(waiter: asyncio.Future[Environment | None]) -> None:
    """A wait for a busy environment ran out of patience."""
    if not waiter.done():
        waiter.set_result(None)


def _average(previous: float | None, sample: float) -> float:
    return sample if previous is None else previous + SMOOTHING * (sample - previous)


class SpareCpu:
    """Whether another worker could add throughput: the machine had at least half a core idle
    lately (/proc/stat, sampled at most every SAMPLE seconds; True where it cannot be read).
    And whether the server's own event loop is the bottleneck (`loop_busy`: its thread ran or
    waited for a core more than LOOP_BUSY of the time, /proc/thread-self/schedstat in
    nanoseconds, sampled every LOOP_SAMPLE seconds): then more concurrent invocations only
    queue (EnvironmentPool.crowded)."""

    SAMPLE = 0.1
    LOOP_SAMPLE = 0.02
    LOOP_BUSY = 0.75
    STAT = Path("/proc/stat")
    SCHEDSTAT = "/proc/thread-self/schedstat"

    def __init__(self) -> None:
        self._at = 0.0
        self._last: tuple[int, int] | None = None
        self._spare = True
        self._loop_fd: int | None = None
        self._loop_last: tuple[float, int] | None = None  # (monotonic, runnable ns)
        self._loop_busy = False

    def spare(self) -> bool:
        now = time.monotonic()
        if now - self._at >= self.SAMPLE:
            self._sample_machine(now)
        return self._spare

    def loop_busy(self, now: float | None = None) -> bool:
        """Whether the event loop's thread ran or waited for a core more than LOOP_BUSY of
        the time lately: the server, not its workers, is the bottleneck."""
        now = time.monotonic() if now is None else now
        if self._loop_last is None or now - self._loop_last[0] >= self.LOOP_SAMPLE:
            self._sample_loop(now)
        return self._loop_busy

    def _sample_machine(self, now: float) -> None:
        self._at = now
        try:
            fields = [int(x) for x in self.STAT.read_text().split("\n", 1)[0].split()[1:]]
        except (OSError, ValueError):
            self._spare = True
            return
        idle, total = fields[3] + (fields[4] if len(fields) > 4 else 0), sum(fields)
        if self._last is not None and total > self._last[1]:
            idle_share = (idle - self._last[0]) / (total - self._last[1])
            self._spare = idle_share * (os.cpu_count() or 1) >= 0.5
        self._last = (idle, total)

    def _sample_loop(self, now: float) -> None:
        """Whether this thread (the event loop's) was running or runnable more than LOOP_BUSY
        of the time since the last sample."""
        try:
            if self._loop_fd is None:
                self._loop_fd = os.open(self.SCHEDSTAT, os.O_RDONLY)  # this thread's, for good
            running, waiting = os.pread(self._loop_fd, 128, 0).split()[:2]
            runnable = int(running) + int(waiting)
        except (OSError, ValueError):
            self._loop_busy = False
            return
        last, self._loop_last = self._loop_last, (now, runnable)
        if last is not None and now > last[0]:
            self._loop_busy = (runnable - last[1]) / 1e9 / (now - last[0]) > self.LOOP_BUSY

    def close(self) -> None:
        if self._loop_fd is not None:
            os.close(self._loop_fd)
            self._loop_fd = None
