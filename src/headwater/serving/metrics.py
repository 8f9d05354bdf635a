"""The CloudWatch tallies of reads answered in a serving process, sent to the owner (once a
second, in its report) and merged into the owner's own: the same request-path tallies the
owner keeps (cloudwatch/dynamodb_metrics.py Tally), by (account, region, operation, table,
minute), so the owner applies them exactly as if it had answered those reads."""

from __future__ import annotations

from typing import Any

from headwater.cloudwatch.dynamodb_metrics import Charged, Tally, charge_key
from headwater.cloudwatch.store import MetricStore
from headwater.dynamodb.capacity import Charge


def encode(taken: dict[tuple[str, str, str, str | None, float], object]) -> list[Any]:
    """The tallies as JSON values."""
    out: list[Any] = []
    for key, tally in taken.items():
        if not isinstance(tally, Tally):
            continue
        charges: list[Any] = []
        for charge in tally.charges:
            plain = charge_key(*charge)
            if isinstance(plain, Charged):
                charges.append([plain.table, plain.own, plain.read,
                                [list(index) for index in plain.global_indexes]])
            else:
                charges.append(list(plain))
        out.append([list(key), tally.latencies, charges, tally.items])
    return out


def merge(store: MetricStore, tallies: list[Any]) -> None:
    """Add a serving process's tallies to the owner's store, as its own requests' are."""
    for key, latencies, charges, items in tallies:
        account, region, operation, table, minute = key
        entry = store.aggregates.get((account, region, operation, table, minute))
        if not isinstance(entry, Tally):
            entry = store.aggregates[(account, region, operation, table, minute)] = Tally()
        entry.latencies.extend(int(latency) for latency in latencies)
        entry.items.extend(int(count) for count in items)
        for charge in charges:
            if len(charge) == 4:  # with global indexes: a Charge, as the operation reports
                table_name, own, read, indexes = charge
                entry.charges.append((table_name, Charge(float(own), {
                    str(name): (True, float(units)) for name, units in indexes}), read))
            else:
                table_name, units, read = charge
                entry.charges.append((table_name, units, read))
