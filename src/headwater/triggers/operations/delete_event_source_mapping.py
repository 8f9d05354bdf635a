"""DeleteEventSourceMapping (aws-facts §3.1, §3.3): 202 with State "Deleting"; the consumers
stop, the mapping and its checkpoints go, and Get then answers 404."""

from __future__ import annotations

import dataclasses
from typing import Any

from headwater.triggers.context import RequestContext
from headwater.triggers.errors import ResourceInUseException
from headwater.triggers.model import DELETING
from headwater.triggers.operations.get_event_source_mapping import find


def delete_event_source_mapping(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    mapping = find(ctx, request["UUID"])
    if mapping.state == DELETING:
        raise ResourceInUseException(
            "Cannot delete the event source mapping because it is in use. Current state: "
            f"{mapping.state}")
    deleting = dataclasses.replace(mapping, state=DELETING)
    ctx.runtime.triggers.save(deleting)
    return deleting.response()
