"""`headwater leases`: GET /_headwater/leases as a table (rich), one row per lease."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def _lag(lease: dict[str, Any]) -> str:
    if "iteratorAgeMilliseconds" in lease:
        return f"{lease['recordsInFlight']} rec, {lease['iteratorAgeMilliseconds']} ms"
    age = lease.get("checkpointAgeSeconds")
    return "" if age is None else f"checkpoint {age:.0f} s old"


def render(status: dict[str, Any]) -> None:
    console = Console()
    console.print(f"worker {status['worker']}  table {status['leaseTable']} on "
                  f"{status['endpoint']}  duration {status['leaseDuration']} s  "
                  f"live workers {len(status['liveWorkers'])}")
    table = Table(show_edge=False)
    for column in ("function", "shard", "owner", "checkpoint", "lag", "counter"):
        table.add_column(column)
    for lease in status["leases"]:
        owner = lease["owner"] or "-"
        if lease["expired"]:
            owner += " (expired)"
        if lease["handoffTo"]:
            owner += f" -> {lease['handoffTo']}"
        checkpoint = lease["checkpoint"]
        if len(checkpoint) > 24:
            checkpoint = "…" + checkpoint[-23:]
        table.add_row(lease["function"], lease["shardId"], owner, checkpoint, _lag(lease),
                      str(lease["counter"]))
    console.print(table)
