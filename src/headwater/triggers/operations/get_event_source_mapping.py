"""GetEventSourceMapping (aws-facts §3.1, §3.3)."""

from __future__ import annotations

from typing import Any

from headwater.triggers.context import RequestContext
from headwater.triggers.errors import NOT_FOUND, ResourceNotFoundException
from headwater.triggers.model import Mapping


def get_event_source_mapping(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    return find(ctx, request["UUID"]).response()


def find(ctx: RequestContext, uuid: str) -> Mapping:
    mapping = ctx.runtime.triggers.get(ctx.account, ctx.region, uuid)
    if mapping is None:
        raise ResourceNotFoundException(NOT_FOUND)
    return mapping
