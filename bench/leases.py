"""Lease traffic and delivery throughput as shards x workers grow (issue 18).

    .venv/bin/python bench/leases.py                       # 64 shards over 1, 2, 4 workers
    .venv/bin/python bench/leases.py --shards 16 --workers 1,2 --records 50 --seconds 6

A simulation against one engine: one Headwater server (in memory) plays the remote engine with
a `--shards`-shard stream holding `--records` records per shard; for each worker count, that
many in-process workers (the real LeaseCoordinator, lease table and RemoteStreamSource; the
function is a no-op, so the figure is the read + checkpoint path, not Lambda) share the shards
through a fresh lease table until every record is checkpointed. Prints the time to drain, the
records/s, and the lease-table calls (heartbeat, scan, renew, take, checkpoint) and GetRecords
calls per second, per worker and in total. All workers run in this one process (one event
loop, one thread pool each), so CPU is shared: read the lease traffic as the figure that
scales, and throughput as a lower bound.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import start_headwater  # noqa: E402

from headwater.triggers.model import Mapping  # noqa: E402
from headwater.triggers.remote.client import RemoteClients, RemoteSettings  # noqa: E402
from headwater.triggers.remote.coordinator import LeaseCoordinator, group_of  # noqa: E402
from headwater.triggers.remote.held import HeldLease  # noqa: E402
from headwater.triggers.remote.lease_table import LeaseTable  # noqa: E402
from headwater.triggers.remote.source import SHARD_END, RemoteStreamSource  # noqa: E402

KEYS = {"aws_access_key_id": "AKIDBENCH", "aws_secret_access_key": "secret",
        "region_name": "us-east-1"}
LEASE_CALLS = ("update_item", "scan", "put_item")


def fill(endpoint: str, shards: int, per_shard: int) -> str:
    ddb = boto3.client("dynamodb", endpoint_url=endpoint, config=Config(retries={
        "max_attempts": 3}), **KEYS)
    ddb.create_table(TableName="events", BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     StreamSpecification={"StreamEnabled": True,
                                          "StreamViewType": "NEW_IMAGE"})
    items = [{"PutRequest": {"Item": {"pk": {"S": f"k{i}"}, "v": {"N": "1"}}}}
             for i in range(shards * per_shard)]
    for start in range(0, len(items), 25):
        ddb.batch_write_item(RequestItems={"events": items[start:start + 25]})
    return str(ddb.describe_table(TableName="events")["Table"]["LatestStreamArn"])


async def consume(coordinator: LeaseCoordinator, source: RemoteStreamSource,
                  lease: HeldLease, delivered: list[int]) -> None:
    """A no-op function's consumer: read, checkpoint after each batch, stop at shard end or
    when the lease goes."""
    arn, shard = lease.stream_arn, lease.shard_id
    position = source.open(arn, shard, lease.checkpoint)
    lease.idle.clear()
    try:
        while lease.runnable:
            records = source.read(arn, shard, position, 100)
            if records:
                position = records[-1].seq
                lease.stage((source.sequence_of(arn, shard, position), records[-1].created,
                             None))
                source.release(arn, shard, position)
                delivered[0] += len(records)
                if not await coordinator.flush(lease):
                    return
                continue
            if source.is_closed(arn, shard):
                lease.stage((SHARD_END, None, None))
                await coordinator.flush(lease)
                return
            await source.wait_for_records(arn, shard, 1.0, position)
    finally:
        source.close(arn, shard)
        lease.idle.set()


async def worker_loop(coordinator: LeaseCoordinator, source: RemoteStreamSource,
                      mapping: Mapping, delivered: list[int], stop: asyncio.Event) -> None:
    wake = asyncio.Event()
    coordinator.attach(group_of(mapping), lambda: mapping, wake)
    running: dict[str, asyncio.Task[None]] = {}
    while not stop.is_set():
        for lease in coordinator.leases_of(group_of(mapping)):
            task = running.get(lease.key)
            if lease.runnable and (task is None or task.done()) and lease.idle.is_set():
                running[lease.key] = asyncio.create_task(
                    consume(coordinator, source, lease, delivered))
        wake.clear()
        try:
            await asyncio.wait_for(wake.wait(), 0.2)
        except TimeoutError:
            pass
    for task in running.values():
        task.cancel()


async def run(endpoint: str, stream_arn: str, workers: int, total: int, table: str,
              duration: float, limit: float) -> dict[str, float]:
    mapping = Mapping("bench", "000000000000", "us-east-1",
                      "arn:aws:lambda:us-east-1:000000000000:function:bench", stream_arn,
                      {"StartingPosition": "TRIM_HORIZON"}, "Enabled", 0.0, "OK", 0, 0.0)
    stop = asyncio.Event()
    delivered = [0]
    parts = []
    for index in range(workers):
        clients = RemoteClients(RemoteSettings(endpoint, "us-east-1", None))
        source = RemoteStreamSource(clients)
        coordinator = LeaseCoordinator(LeaseTable(clients, table, duration), source,
                                       f"w{index}", duration)
        parts.append((clients, coordinator, source))
    tasks = [asyncio.create_task(c.run()) for _, c, _ in parts]
    tasks += [asyncio.create_task(worker_loop(c, s, mapping, delivered, stop))
              for _, c, s in parts]
    started = time.monotonic()
    while delivered[0] < total and time.monotonic() - started < limit:
        await asyncio.sleep(0.1)
    drained = time.monotonic() - started
    # Steady state: lease traffic once everything is read (renewals, scans, idle polls).
    before = [dict(clients.calls) for clients, _, _ in parts]
    await asyncio.sleep(duration * 1.5)
    idle = time.monotonic() - started - drained
    after = [dict(clients.calls) for clients, _, _ in parts]
    stop.set()
    for _, coordinator, _ in parts:
        await coordinator.stop()
    for task in tasks:
        task.cancel()
    lease_calls = sum(after[i].get(op, 0) for i in range(workers) for op in LEASE_CALLS)
    idle_lease = sum(after[i].get(op, 0) - before[i].get(op, 0)
                     for i in range(workers) for op in LEASE_CALLS)
    idle_reads = sum(after[i].get("get_records", 0) - before[i].get("get_records", 0)
                     for i in range(workers))
    return {"drained_s": drained, "records_per_s": delivered[0] / drained,
            "delivered": delivered[0], "lease_calls": lease_calls,
            "idle_lease_per_s": idle_lease / idle, "idle_reads_per_s": idle_reads / idle}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shards", type=int, default=64)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--records", type=int, default=40, help="records per shard")
    parser.add_argument("--lease-duration", type=float, default=3.0)
    parser.add_argument("--limit", type=float, default=120.0, help="give up after seconds")
    args = parser.parse_args()
    for name in ("aws_access_key_id", "aws_secret_access_key"):  # the workers' AWS chain
        os.environ.setdefault(name.upper(), KEYS[name])
    engine = start_headwater("engine", None, extra=["--stream-shards", str(args.shards)])
    try:
        stream_arn = fill(engine.url(), args.shards, args.records)
        total = args.shards * args.records
        print(f"{args.shards} shards, {total} records, lease duration {args.lease_duration} s")
        print(f"{'workers':>7} {'drain s':>8} {'rec/s':>8} {'lease calls':>11} "
              f"{'idle lease/s':>12} {'per worker':>10} {'idle GetRecords/s':>17}")
        for count in (int(n) for n in args.workers.split(",")):
            result = asyncio.run(run(engine.url(), stream_arn, count, total, f"leases{count}",
                                     args.lease_duration, args.limit))
            print(f"{count:>7} {result['drained_s']:>8.1f} {result['records_per_s']:>8.0f} "
                  f"{result['lease_calls']:>11.0f} {result['idle_lease_per_s']:>12.1f} "
                  f"{result['idle_lease_per_s'] / count:>10.1f} "
                  f"{result['idle_reads_per_s']:>17.1f}")
    finally:
        engine.stop()


if __name__ == "__main__":
    main()
