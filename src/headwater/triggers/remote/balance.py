"""Which leases a worker takes in one round (pure logic, the Kinesis Client Library's rules):
only leases ready to process count (not finished, parent finished or gone: parents before
children); each live worker's fair share is ceil(ready / workers); a worker below it takes free
or expired leases up to it and, if none are left, asks for one lease from the most loaded worker
when that worker holds more than the fair share (at most one steal a round)."""

from __future__ import annotations

import math
import zlib
from collections import Counter
from dataclasses import dataclass, field

from headwater.triggers.remote.lease_table import LeaseRow


@dataclass(slots=True)
class Plan:
    take: list[LeaseRow] = field(default_factory=list)
    steal: LeaseRow | None = None
    target: int = 0


def ready(rows: list[LeaseRow]) -> list[LeaseRow]:
    """Leases that may be processed now: unfinished, and the parent's lease finished or
    absent (its shard trimmed away, or a shard that had no parent in this table)."""
    by_shard = {row.shard_id: row for row in rows}
    out = []
    for row in rows:
        if row.finished:
            continue
        parent = by_shard.get(row.parent_shard_id) if row.parent_shard_id else None
        if parent is not None and not parent.finished:
            continue
        out.append(row)
    return out


def _spread(worker: str, rows: list[LeaseRow]) -> list[LeaseRow]:
    """A per-worker order, so workers taking at once mostly reach for different leases."""
    return sorted(rows, key=lambda row: zlib.crc32(f"{worker}|{row.key}".encode()))


def plan(worker: str, live_workers: set[str], rows: list[LeaseRow],
         expired: set[str]) -> Plan:
    """What `worker` should take in one group's leases; `expired` holds the keys whose
    counter has not moved for a lease duration."""
    candidates = ready(rows)
    owners = {row.owner for row in candidates
              if row.owner is not None and row.key not in expired}
    workers = live_workers | owners | {worker}
    target = math.ceil(len(candidates) / len(workers)) if candidates else 0
    counts: Counter[str] = Counter(row.owner for row in candidates
                                   if row.owner is not None and row.key not in expired)
    mine = counts[worker]
    # Our own expired lease too: one this worker stopped renewing in an outage.
    free = [row for row in candidates if row.owner is None or row.key in expired]
    result = Plan(target=target)
    if mine >= target:
        return result
    result.take = _spread(worker, free)[:target - mine]
    if result.take:
        return result
    loaded = [(count, owner) for owner, count in counts.items() if owner != worker]
    if not loaded:
        return result
    count, victim = max(loaded)
    if count <= target:
        return result
    theirs = [row for row in candidates if row.owner == victim and row.key not in expired
              and row.handoff_to is None]
    if theirs:
        result.steal = _spread(worker, theirs)[0]
    return result
