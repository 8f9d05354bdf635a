"""The lease coordinator (`--lease-table`): one background worker per Headwater process that,
every round (a third of the lease duration, as the KCL renews), bumps its heartbeat, scans the
lease table, renews the leases it holds (writing staged checkpoints with them), creates leases
for new shards (DescribeStream), and takes its fair share of the rest (balance.py): free or
expired leases first, else asks the most loaded worker for one. A lease whose counter has not
moved for the lease duration (wall clock, as this worker observed it) is expired: its owner
stopped renewing and another worker takes it over from its last checkpoint.

Handing over instead of snatching: a steal sets `handoffTo`; the owner sees it on its next
renewal, stops the shard's consumer (the batch in flight finishes and is checkpointed) and then
writes the new owner in, so two workers never read one shard at once and per-item order holds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from headwater.triggers.model import Mapping
from headwater.triggers.remote import balance
from headwater.triggers.remote.client import error_code
from headwater.triggers.remote.held import HeldLease
from headwater.triggers.remote.lease_table import LeaseLost, LeaseRow, LeaseTable
from headwater.triggers.remote.source import (
    LATEST,
    SHARD_END,
    TRIM_HORIZON,
    RemoteStreamSource,
    backoff,
)

log = logging.getLogger("headwater.triggers.remote")
DEFAULT_DURATION = 10.0
SYNC_ROUNDS = 10  # DescribeStream every this many rounds, and whenever a shard finished
DEAD_WORKER_DURATIONS = 30  # a heartbeat still this many lease durations is deleted


def group_of(mapping: Mapping) -> tuple[str, str]:
    """Leases are keyed by function name (with qualifier) and stream, not the mapping UUID:
    every worker defines the same mapping and they share its shards."""
    return mapping.function_arn.split(":", 6)[6], mapping.source_arn


def _name(group: tuple[str, str]) -> str:
    return "|".join(group)


@dataclass(slots=True)
class _Group:
    mapping: Callable[[], Mapping | None]  # the mapping while it runs here, else None
    wake: asyncio.Event
    synced_round: int = -SYNC_ROUNDS
    finished_seen: int = -1


@dataclass(slots=True)
class _Seen:
    counter: int
    since: float = field(default_factory=time.monotonic)


class LeaseCoordinator:
    def __init__(self, table: LeaseTable, source: RemoteStreamSource, worker: str,
                 duration: float = DEFAULT_DURATION) -> None:
        self.table = table
        self.source = source
        self.worker = worker
        self.duration = duration
        self.interval = duration / 3
        self.held: dict[str, HeldLease] = {}
        # The counter each lease had when this worker let it go: a scan older than that
        # still names us as owner, and must not make us take it back.
        self._let_go: dict[str, int] = {}
        self.rows: list[LeaseRow] = []
        self.live_workers: set[str] = {worker}
        self._worker_groups: dict[str, frozenset[str]] = {}
        self._groups: dict[tuple[str, str], _Group] = {}
        self._seen: dict[str, _Seen] = {}
        self._workers_seen: dict[str, _Seen] = {}
        self._handoffs: set[asyncio.Task[None]] = set()
        self._round = 0
        self._stopping = asyncio.Event()

    # -- what supervisors and consumers use ------------------------------------------------

    def attach(self, group: tuple[str, str], mapping: Callable[[], Mapping | None],
               wake: asyncio.Event) -> None:
        if group not in self._groups:
            self._groups[group] = _Group(mapping, wake)

    def leases_of(self, group: tuple[str, str]) -> list[HeldLease]:
        return [lease for lease in self.held.values()
                if (lease.function, lease.stream_arn) == group]

    async def flush(self, lease: HeldLease) -> bool:
        """Write the staged checkpoint now; False once the lease is no longer ours."""
        failures = 0
        while lease.held and lease.staged is not None:
            async with lease.lock:
                staged = lease.staged
                if staged is None or not lease.held:
                    break
                try:
                    await self.table.checkpoint(lease.key, self.worker, lease.counter, staged)
                    lease.written(staged)
                except LeaseLost:
                    self._lose(lease, "its checkpoint write found another owner")
                    break
                except Exception as error:
                    failures += 1
                    log.info("lease %s: checkpoint not written (%s); retrying", lease.shard_id,
                             error_code(error) or type(error).__name__)
            if lease.staged is not None and lease.held:
                await asyncio.sleep(backoff(failures))
        return lease.held

    # -- the worker ---------------------------------------------------------------------------

    async def run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                if self._round == 0 or failures:
                    await self.table.ensure()
                await self._one_round()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as error:
                failures += 1
                # Nothing was observed: counters seen before the outage must not look stale
                # after it (the owners could not renew either).
                self._seen.clear()
                self._workers_seen.clear()
                log.warning("lease table %s: round failed (%s)", self.table.name,
                            error_code(error) or type(error).__name__)
                self._expire_unrenewed()
            self._round += 1
            pause = self.interval if not failures else min(self.interval, backoff(failures))
            try:
                await asyncio.wait_for(self._stopping.wait(), pause)
            except TimeoutError:
                pass

    async def stop(self) -> None:
        """Free every lease (after its consumer stopped and its checkpoint is written), so
        other workers take them at once instead of after the lease duration."""
        self._stopping.set()
        for task in list(self._handoffs):
            task.cancel()
        for lease in list(self.held.values()):
            try:
                await asyncio.wait_for(lease.idle.wait(), self.duration)
                if await self.flush(lease):
                    async with lease.lock:
                        await self.table.hand_over(lease.key, self.worker, lease.counter, None)
                    self._drop(lease, "released at shutdown", logging.INFO)
            except Exception as error:
                log.info("lease %s: not released at shutdown (%s)", lease.shard_id,
                         error_code(error) or type(error).__name__)
        try:
            await self.table.retire(self.worker)
        except Exception:
            pass
        self.source.clients.close()

    async def _one_round(self) -> None:
        await self.table.heartbeat(self.worker, [_name(g) for g in self._groups])
        rows, workers = await self.table.scan()
        now = time.monotonic()
        self.rows = rows
        self._observe(rows, workers, now)
        await self._forget_dead_workers(workers, now)
        await asyncio.gather(*(self._renew(lease) for lease in list(self.held.values())))
        self._expire_unrenewed()
        by_group: dict[tuple[str, str], list[LeaseRow]] = {}
        for row in rows:
            by_group.setdefault(row.group, []).append(row)
        for key, group in list(self._groups.items()):
            mapping = group.mapping()
            if mapping is None:
                await self._leave(key)
                continue
            group_rows = by_group.get(key, [])
            finished = sum(1 for row in group_rows if row.finished)
            if (self._round - group.synced_round >= SYNC_ROUNDS
                    or finished != group.finished_seen):
                if await self._sync(key, mapping, group_rows):
                    rows, workers = await self.table.scan()
                    self.rows = rows
                    self._observe(rows, workers, time.monotonic())
                    group_rows = [row for row in rows if row.group == key]
                group.synced_round = self._round
                group.finished_seen = sum(1 for row in group_rows if row.finished)
            changed = self._adopt(group_rows)
            if self._round > 0:  # the first round only announces this worker to the others
                changed |= await self._balance(key, group_rows, now)
            changed |= await self._release_finished(key)
            if changed:
                group.wake.set()

    def _observe(self, rows: list[LeaseRow], workers: dict[str, tuple[int, frozenset[str]]],
                 now: float) -> None:
        seen: dict[str, _Seen] = {}
        for row in rows:
            before = self._seen.get(row.key)
            seen[row.key] = before if before is not None and before.counter == row.counter \
                else _Seen(row.counter, now)
        self._seen = seen
        alive: set[str] = {self.worker}
        workers_seen: dict[str, _Seen] = {}
        self._worker_groups = {worker: groups for worker, (_, groups) in workers.items()}
        for worker, (counter, _) in workers.items():
            before = self._workers_seen.get(worker)
            entry = before if before is not None and before.counter == counter \
                else _Seen(counter, now)
            workers_seen[worker] = entry
            if now - entry.since < self.duration:
                alive.add(worker)
        self._workers_seen = workers_seen
        self.live_workers = alive

    async def _forget_dead_workers(self, workers: dict[str, tuple[int, frozenset[str]]],
                                   now: float) -> None:
        for worker, (counter, _) in workers.items():
            seen = self._workers_seen.get(worker)
            if seen is not None and now - seen.since >= DEAD_WORKER_DURATIONS * self.duration:
                try:
                    await self.table.forget_worker(worker, counter)
                except LeaseLost:
                    pass  # it came back

    def _expired(self, now: float) -> set[str]:
        return {key for key, seen in self._seen.items() if now - seen.since >= self.duration}

    # -- renewing and losing -------------------------------------------------------------------

    async def _renew(self, lease: HeldLease) -> None:
        async with lease.lock:
            if not lease.held:
                return
            staged = lease.staged
            try:
                lease.counter, asked_by = await self.table.renew(lease.key, self.worker,
                                                                 lease.counter, staged)
            except LeaseLost:
                self._lose(lease, "another worker took it")
                return
            except Exception as error:
                log.info("lease %s: renewal failed (%s)", lease.shard_id,
                         error_code(error) or type(error).__name__)
                return
            lease.renewed = time.monotonic()
            if staged is not None:
                lease.written(staged)
        if asked_by is not None and lease.handoff_to is None and lease.runnable:
            lease.handoff_to = asked_by
            task = asyncio.create_task(self._hand_over(lease, asked_by))
            self._handoffs.add(task)
            task.add_done_callback(self._handoffs.discard)
            self.wake_supervisor(lease)

    def _expire_unrenewed(self) -> None:
        """A lease this worker could not renew for the lease duration may be someone else's
        by now: stop reading it (it is adopted again if the table still names us)."""
        now = time.monotonic()
        for lease in list(self.held.values()):
            if now - lease.renewed >= self.duration:
                self._lose(lease, "not renewed within the lease duration")
                self._let_go.pop(lease.key, None)  # unchanged in the table: may adopt it

    def _lose(self, lease: HeldLease, why: str) -> None:
        if lease.held:
            self._drop(lease, f"lost: {why}", logging.WARNING)

    def _drop(self, lease: HeldLease, what: str, level: int) -> None:
        lease.held = False
        self._let_go[lease.key] = lease.counter + 1  # a hand-over or release bumps it
        if self.held.get(lease.key) is lease:
            del self.held[lease.key]
        log.log(level, "lease %s %s: %s", lease.function, lease.shard_id, what,
                extra={"fields": {"worker": self.worker, "lease": lease.key,
                                  "change": what}})
        self.wake_supervisor(lease)

    def wake_supervisor(self, lease: HeldLease) -> None:
        group = self._groups.get((lease.function, lease.stream_arn))
        if group is not None:
            group.wake.set()

    async def _hand_over(self, lease: HeldLease, to: str) -> None:
        """Stop reading (the supervisor stops the consumer), checkpoint, then give it away."""
        await lease.idle.wait()
        if not await self.flush(lease):
            return
        async with lease.lock:
            if not lease.held:
                return
            try:
                await self.table.hand_over(lease.key, self.worker, lease.counter, to)
            except LeaseLost:
                self._lose(lease, "changed while being handed over")
                return
            except Exception as error:
                # Not handed over: keep reading it; the asker may ask again.
                log.info("lease %s: hand-over failed (%s)", lease.shard_id,
                         error_code(error) or type(error).__name__)
                lease.handoff_to = None
                self.wake_supervisor(lease)
                return
        self._drop(lease, f"handed over to {to}", logging.INFO)

    # -- taking --------------------------------------------------------------------------------

    def _adopt(self, rows: list[LeaseRow]) -> bool:
        """Leases the table says are ours but we do not hold: handed over to us, or ours from
        before a renewal outage."""
        changed = False
        for row in rows:
            if row.owner == self.worker and row.key not in self.held and not row.finished \
                    and row.counter > self._let_go.get(row.key, -1):
                self._hold(row, row.counter, "handed over, or ours after an outage")
                changed = True
        return changed

    def _hold(self, row: LeaseRow, counter: int, how: str) -> None:
        lease = HeldLease(row.key, row.function, row.stream_arn, row.shard_id, counter,
                          row.checkpoint, row.checkpoint_at, row.window)
        self.held[row.key] = lease
        log.info("lease %s %s: gained (%s) at %s", row.function, row.shard_id, how,
                 row.checkpoint, extra={"fields": {"worker": self.worker, "lease": row.key,
                                                   "change": f"gained ({how})"}})

    async def _balance(self, group: tuple[str, str], rows: list[LeaseRow], now: float) -> bool:
        expired = self._expired(now) - set(self.held)
        readers = {w for w in self.live_workers
                   if _name(group) in self._worker_groups.get(w, frozenset())}
        choice = balance.plan(self.worker, readers, rows, expired)
        changed = False
        for row in choice.take:
            try:
                counter = await self.table.take(row, self.worker)
            except LeaseLost:
                continue  # another worker was quicker
            how = "free" if row.owner is None else f"expired, was {row.owner}"
            self._hold(row, counter, how)
            changed = True
        if choice.steal is not None:
            try:
                await self.table.ask_handoff(choice.steal, self.worker)
                log.info("lease %s %s: asked %s to hand it over", choice.steal.function,
                         choice.steal.shard_id, choice.steal.owner)
            except LeaseLost:
                pass
        return changed

    async def _release_finished(self, group: tuple[str, str]) -> bool:
        """A finished shard's lease is freed once its SHARD_END is written: nobody renews it."""
        changed = False
        for lease in self.leases_of(group):
            if lease.checkpoint == SHARD_END and lease.staged is None and lease.idle.is_set():
                async with lease.lock:
                    try:
                        await self.table.hand_over(lease.key, self.worker, lease.counter, None)
                    except LeaseLost:
                        pass
                self._drop(lease, "finished (SHARD_END)", logging.INFO)
                changed = True
        return changed

    async def _leave(self, group: tuple[str, str]) -> None:
        """The mapping stopped running here: free its leases once their consumers stopped."""
        busy = False
        for lease in self.leases_of(group):
            if not lease.idle.is_set():
                busy = True
                continue
            if await self.flush(lease):
                async with lease.lock:
                    try:
                        await self.table.hand_over(lease.key, self.worker, lease.counter, None)
                    except LeaseLost:
                        pass
                self._drop(lease, "released (mapping stopped here)", logging.INFO)
        if not busy:
            self._groups.pop(group, None)

    async def _sync(self, group: tuple[str, str], mapping: Mapping,
                    rows: list[LeaseRow]) -> bool:
        """Create leases for shards that have none; True if any was created. The first leases
        of a group start at the mapping's StartingPosition (a closed shard under LATEST is
        already finished); later shards (children of rollover and splits) at TRIM_HORIZON."""
        function, stream_arn = group
        shards = await self.source.refresh(stream_arn)
        have = {row.shard_id for row in rows}
        listed = {shard.shard_id for shard in shards}
        for row in rows:
            if row.finished and row.shard_id not in listed:
                try:  # trimmed away: its children no longer wait on it
                    await self.table.forget_finished(row.key)
                except LeaseLost:
                    pass
        first = not rows
        start = str(mapping.config.get("StartingPosition", TRIM_HORIZON))
        created = False
        for shard in shards:
            if shard.shard_id in have:
                continue
            checkpoint = TRIM_HORIZON
            if first and start == LATEST:
                checkpoint = SHARD_END if shard.closed else LATEST
            try:
                await self.table.create(function, stream_arn, shard.shard_id,
                                        shard.parent_shard_id, checkpoint)
                created = True
            except LeaseLost:
                pass  # another worker created it
        return created

    # -- introspection -------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """GET /_headwater/leases: every lease as last scanned, with what this worker knows of
        the ones it holds (records read but not checkpointed, iterator age)."""
        now = time.monotonic()
        expired = self._expired(now)
        wall = time.time()
        leases = []
        for row in sorted(self.rows, key=lambda r: (r.function, r.stream_arn, r.shard_id)):
            held = self.held.get(row.key)
            entry: dict[str, Any] = {
                "function": row.function, "streamArn": row.stream_arn,
                "shardId": row.shard_id, "parentShardId": row.parent_shard_id,
                "owner": row.owner, "counter": row.counter,
                "checkpoint": held.checkpoint if held is not None else row.checkpoint,
                "expired": row.key in expired and row.owner is not None,
                "handoffTo": row.handoff_to, "heldHere": held is not None,
            }
            at = held.checkpoint_at if held is not None else row.checkpoint_at
            if at is not None:
                entry["checkpointAgeSeconds"] = round(max(0.0, wall - at), 3)
            if held is not None:
                behind, oldest = self.source.backlog(row.stream_arn, row.shard_id)
                entry["recordsInFlight"] = behind
                entry["iteratorAgeMilliseconds"] = (
                    0 if oldest is None else round(max(0.0, wall - oldest) * 1000))
            leases.append(entry)
        return {"worker": self.worker, "leaseTable": self.table.name,
                "endpoint": self.source.clients.endpoint, "leaseDuration": self.duration,
                "liveWorkers": sorted(self.live_workers), "leases": leases,
                "calls": dict(self.source.clients.calls),
                "errors": dict(self.source.clients.errors)}

