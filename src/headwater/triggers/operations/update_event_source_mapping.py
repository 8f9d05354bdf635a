"""UpdateEventSourceMapping (aws-facts §3.2-3.4): 202 with State "Updating", or "Enabling" /
"Disabling" when Enabled changes. StartingPosition cannot change. The response carries the
merged values (deviation: AWS may still echo the old ones until the update applies)."""

from __future__ import annotations

import dataclasses
from typing import Any

from headwater.triggers import checks, functions_ref, role_checks
from headwater.triggers.context import RequestContext
from headwater.triggers.errors import ResourceInUseException
from headwater.triggers.model import BUSY, DISABLING, ENABLING, UPDATING
from headwater.triggers.operations.create_event_source_mapping import check_unique, settings_from
from headwater.triggers.operations.get_event_source_mapping import find


def update_event_source_mapping(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    checks.check_settings(request)
    mapping = find(ctx, request["UUID"])
    if mapping.state in BUSY:
        raise ResourceInUseException(
            "Cannot update the event source mapping because it is in use. Current state: "
            f"{mapping.state}")
    function_arn = mapping.function_arn
    if "FunctionName" in request:
        function_arn = functions_ref.resolve(ctx, request["FunctionName"])
        if function_arn != mapping.function_arn:
            triggers = ctx.runtime.triggers
            check_unique(triggers.of_account(ctx.account, ctx.region), mapping.source_arn,
                         function_arn, request["FunctionName"], ignore=mapping.uuid)
    enabled = bool(request.get("Enabled", mapping.enabled))
    if enabled != mapping.enabled:
        state = ENABLING if enabled else DISABLING
    else:
        state = UPDATING
    config = settings_from(request, dict(mapping.config))
    if enabled:
        role_checks.check_role(ctx.runtime.authority, ctx.account,
                               lambda: ctx.runtime.functions.role_of(function_arn),
                               mapping.source_arn, config)
    updated = dataclasses.replace(
        mapping, function_arn=function_arn, config=config,
        state=state, enabled=enabled, last_modified=round(ctx.runtime.clock.now(), 3))
    ctx.runtime.triggers.save(updated)
    return updated.response()
