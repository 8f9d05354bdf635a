"""A serving process's CloudWatch tallies, encoded for its report and merged by the owner,
give the owner the same series as if it had answered those reads (serving/metrics.py)."""

from __future__ import annotations

import orjson

from headwater.cloudwatch.dynamodb_metrics import Tally
from headwater.cloudwatch.store import MetricStore
from headwater.core.clock import Clock
from headwater.dynamodb.capacity import Charge
from headwater.serving import metrics

KEY = ("111122223333", "us-east-1", "Query", "orders", 1_800_000_000.0)


def _tally() -> Tally:
    tally = Tally()
    tally.latencies.extend([120, 120, 3_400])
    tally.items.extend([2, 2, 0])
    tally.charges.extend([("orders", 0.5, True), ("orders", 0.5, True),
                          ("orders", Charge(0.0, {"by-status": (True, 1.0),
                                                  "by-date": (False, 0.5)}), True)])
    return tally


def _series(store: MetricStore) -> dict[tuple[object, ...], list[tuple[float, float, int]]]:
    store.drain()
    return {key: list(series.entries_between(0, 4e9)) for key, series in store.series.items()}


def test_merged_tallies_make_the_series_the_owner_would_have() -> None:
    direct, merged = MetricStore(Clock()), MetricStore(Clock())
    direct.aggregates[KEY] = _tally()
    report = orjson.loads(orjson.dumps(metrics.encode({KEY: _tally()})))
    metrics.merge(merged, report)
    expected = _series(direct)
    assert expected and _series(merged) == expected
    names = {key[3] for key in expected}
    assert names == {"ConsumedReadCapacityUnits", "SuccessfulRequestLatency",
                     "ReturnedItemCount"}


def test_a_merge_adds_to_the_owners_own_tally() -> None:
    direct, merged = MetricStore(Clock()), MetricStore(Clock())
    both = _tally()
    for name in ("latencies", "items", "charges"):
        getattr(both, name).extend(getattr(_tally(), name))
    direct.aggregates[KEY] = both
    merged.aggregates[KEY] = _tally()
    metrics.merge(merged, orjson.loads(orjson.dumps(metrics.encode({KEY: _tally()}))))
    assert _series(merged) == _series(direct)
