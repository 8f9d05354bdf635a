"""UpdateTimeToLive (aws-facts §2.3). The setting is stored in `Table.ttl`; the sweeper in
`dynamodb/ttl.py` acts on it. Deviation: the change is ENABLED/DISABLED at once (AWS also
reports ENABLED right away, but takes up to an hour to start deleting)."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.errors import ResourceNotFoundException, ValidationException
from headwater.dynamodb.replicas.group import peers

# AWS refuses a second change within about an hour of the previous one.
CHANGE_INTERVAL = 3600.0


def update_time_to_live(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """UpdateTimeToLive: enable or disable TTL on one attribute."""
    name = request["TableName"]
    spec = request["TimeToLiveSpecification"]
    enabled, attribute = bool(spec["Enabled"]), spec["AttributeName"]
    runtime = ctx.runtime
    table = runtime.tables.find(ctx.account, ctx.region, name)
    if table is None:
        raise ResourceNotFoundException(f"Requested resource not found: Table: {name} not found")
    current = table.ttl
    _check_change(current, enabled, attribute)
    now = runtime.clock.now()
    changed = current.get("LastModified")
    if changed is not None and now - changed < CHANGE_INTERVAL:
        raise ValidationException(
            "Time to live has been modified multiple times within a fixed interval"
        )
    table.ttl = {"Enabled": enabled, "AttributeName": attribute, "LastModified": now}
    with runtime.storage.transaction():
        runtime.tables.save(table)
        # A global table's TTL setting is the group's (ack-api-quirks DDB-TABLE-230: TTL
        # changes from any region reach every replica).
        for peer in peers(runtime, table):
            peer.ttl = dict(table.ttl)
            runtime.tables.save(peer)
    return {"TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": attribute}}


def _check_change(current: dict[str, Any], enabled: bool, attribute: str) -> None:
    active = current.get("AttributeName") if current.get("Enabled") else None
    if enabled and active == attribute:
        raise ValidationException("TimeToLive is already enabled")
    if active is not None and active != attribute:
        raise ValidationException(
            f"TimeToLive is active on a different AttributeName: current AttributeName is {active}"
        )
    if not enabled and active is None:
        raise ValidationException("TimeToLive is already disabled")
