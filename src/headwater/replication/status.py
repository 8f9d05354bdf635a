"""`GET /_headwater/replication`: the controls; per replica pair, its position, backlog
(local writes of the source not yet applied to the target), lag (clock age of the oldest of
them) and recent latency percentiles; and the deletion markers each replica keeps, with when
the sweeper last finished a pass (tombstones.py)."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb import item_versions
from headwater.replication import store
from headwater.replication.tombstones import TombstoneSweeper
from headwater.replication.worker import Replicator, replica_pairs


def replication_status(replicator: Replicator, sweeper: TombstoneSweeper) -> dict[str, Any]:
    runtime, streams = replicator.runtime, replicator.streams
    now = replicator.clock.now()
    pairs = []
    for (source_id, target_id), (source, target) in sorted(replica_pairs(runtime).items()):
        stream = streams.current_stream(source.account, source.region, source.name)
        position = store.position(runtime.storage.conn, source_id, target_id) or 0
        backlog, lag = 0, 0.0
        if stream is not None:
            backlog = streams.backlog(stream, position)
            oldest = streams.oldest_local(stream, position)
            lag = 0.0 if oldest is None else max(0.0, now - oldest)
        figures = replicator.metrics.figures(source, target)
        pairs.append({
            "table": source.name, "account": source.account, "source": source.region,
            "target": target.region, "position": position, "backlog": backlog,
            "lagSeconds": round(lag, 6), "applied": figures.applied,
            "superseded": figures.superseded,
            "latencyMs": {"p50": figures.percentile(0.5), "p99": figures.percentile(0.99)},
        })
    controls = replicator.controls
    conn = runtime.storage.conn
    tables = [{"table": table.name, "account": table.account, "region": table.region,
               "count": item_versions.count_tombstones(conn, table.id)}
              for table in runtime.tables.all() if table.replicated]
    return {"paused": controls.paused, "delay": controls.delay, "pairs": pairs,
            "tombstones": {"sweptAt": sweeper.swept_at, "removed": sweeper.removed,
                           "tables": sorted(tables, key=lambda t: (t["table"], t["region"]))}}
