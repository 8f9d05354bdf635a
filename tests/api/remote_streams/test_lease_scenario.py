"""Workers sharing a remote engine's shards through leases (issue 18), one cluster through a
scenario (each test starts from where the previous one left it; starting processes is what
costs): shards spread evenly over three workers; one killed with SIGKILL is taken over from its
checkpoints within the lease duration plus a few rounds; a new worker takes its fair share;
the engine killed and restarted under load; shard rollover on the engine followed across
workers. Throughout: every acknowledged write delivered at least once, each key's versions in
order on every worker, duplicates only from batches in flight at the kill."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator

import pytest
from remote_support import (
    BATCH_SIZE,
    HTTP,
    LEASE_DURATION,
    Cluster,
    Writer,
    all_deliveries,
    check_order,
    cluster_of,
    wait_delivered,
    wait_for,
)

pytestmark = [pytest.mark.local_only, pytest.mark.slow]
SHARDS = 6


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    # --stream-read-limits on: the engine throttles GetRecords past AWS's limits per shard,
    # and the last test checks that no worker was ever throttled.
    yield from cluster_of(tmp_path_factory.mktemp("leases"), 3, "--stream-shards", str(SHARDS),
                          "--shard-rollover", "3600", "--stream-read-limits", "on")


def duplicates(cluster: Cluster) -> int:
    return sum(n - 1 for n in Counter(all_deliveries(cluster)).values())


def test_shards_spread_evenly(cluster: Cluster) -> None:
    owners = cluster.spread(3, SHARDS)
    assert set(owners) == {w.worker_id() for w in cluster.workers}
    for worker in cluster.workers:  # every worker sees the others and holds its share
        wait_for(lambda w=worker: (s := w.status()) and len(s["liveWorkers"]) == 3 and
                 sum(lease["heldHere"] for lease in s["leases"]) == SHARDS // 3, 10, 0.2)


def test_a_killed_worker_is_taken_over(cluster: Cluster) -> None:
    victim = cluster.workers[0]
    victim_id = victim.worker_id()
    with Writer(cluster, 12, "k") as writer:
        writer.wait_for_writes(120)
        victim.server.kill()  # SIGKILL: nothing released, its leases must expire
        writer.wait_for_writes(60)
        wait_for(lambda: victim_id not in (owners := cluster.owners())
                 and sum(owners.values()) == SHARDS, LEASE_DURATION + 6, 0.1)
        writer.wait_for_writes(60)
    wait_delivered(cluster, writer.acked)
    check_order(cluster)
    # Only the batch in flight on each of the victim's shards may come again.
    assert duplicates(cluster) <= (SHARDS // 3) * BATCH_SIZE
    cluster.spread(2, SHARDS)


def test_a_new_worker_takes_its_fair_share(cluster: Cluster) -> None:
    before = duplicates(cluster)
    with Writer(cluster, 12, "j") as writer:
        writer.wait_for_writes(60)
        joining = cluster.add_worker()
        owners = cluster.spread(3, SHARDS)  # steals are hand-overs, one a round
        assert owners[joining.worker_id()] == SHARDS // 3
        writer.wait_for_writes(60)
    wait_delivered(cluster, writer.acked)
    check_order(cluster)
    # A hand-over checkpoints before the new owner reads: nothing comes twice.
    assert duplicates(cluster) == before


def test_the_engine_restarted_under_load(cluster: Cluster) -> None:
    before = duplicates(cluster)
    with Writer(cluster, 12, "r") as writer:
        writer.wait_for_writes(60)
        cluster.restart_engine()
        writer.wait_for_writes(120)
    assert writer.failures > 0  # the writes did meet the engine down
    wait_delivered(cluster, writer.acked)
    check_order(cluster)
    # A checkpoint not written when the engine died sends its batch again, nothing more.
    assert duplicates(cluster) - before <= SHARDS * BATCH_SIZE
    cluster.spread(3, SHARDS)


def test_shard_rollover_is_followed_across_workers(cluster: Cluster) -> None:
    with Writer(cluster, 12, "s") as writer:
        writer.wait_for_writes(60)
        cluster.engine.advance(3601)  # the engine's shards close; children open
        writer.wait_for_writes(60)
    wait_delivered(cluster, writer.acked)
    check_order(cluster)
    leases = cluster.leases()
    parents = [lease for lease in leases if lease["checkpoint"] == "SHARD_END"]
    children = [lease for lease in leases if lease["parentShardId"] is not None]
    assert len(parents) >= SHARDS and len(children) >= SHARDS
    # The children are shared out like their parents were.
    cluster.spread(3, len([lease for lease in leases if lease["checkpoint"] != "SHARD_END"]))


def test_no_worker_polled_faster_than_aws_allows(cluster: Cluster) -> None:
    for worker in cluster.live():
        status = worker.status()
        assert status["calls"]["get_records"] > 0
        assert "LimitExceededException" not in status["errors"], status["errors"]


def test_iterator_age_is_reported_per_remote_shard(cluster: Cluster) -> None:
    shards = {lease["shardId"] for lease in cluster.leases()}
    for worker in cluster.live():
        metrics = HTTP.request("GET", f"{worker.server.url}/metrics").data.decode()
        ages = [line for line in metrics.splitlines()
                if line.startswith("headwater_trigger_iterator_age_milliseconds{")]
        assert ages and all(line.split('shard="')[1].split('"')[0] in shards for line in ages)


def test_the_leases_command_prints_every_lease(cluster: Cluster) -> None:
    worker = cluster.live()[0]
    shown = subprocess.run([sys.executable, "-m", "headwater", "leases", "--endpoint",
                            worker.server.url], capture_output=True, text=True, check=True,
                           env={**os.environ, "COLUMNS": "300"}).stdout
    assert worker.worker_id() in shown
    for lease in cluster.leases():
        assert lease["shardId"] in shown
    assert "SHARD_END" in shown  # the rolled-over parents
