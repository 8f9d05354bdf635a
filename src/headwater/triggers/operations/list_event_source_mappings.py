"""ListEventSourceMappings (aws-facts §3.1): filters by EventSourceArn and FunctionName (an
unknown one gives an empty list), pages of at most 100 with Marker / NextMarker."""

from __future__ import annotations

from typing import Any

from headwater.triggers import functions_ref
from headwater.triggers.context import RequestContext
from headwater.triggers.errors import InvalidParameterValueException

PAGE_LIMIT = 100


def list_event_source_mappings(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    mappings = ctx.runtime.triggers.of_account(ctx.account, ctx.region)
    source = request.get("EventSourceArn")
    if source:
        mappings = [m for m in mappings if m.source_arn == source]
    if request.get("FunctionName"):
        arn = functions_ref.arn_or_none(ctx, request["FunctionName"])
        mappings = [m for m in mappings if m.function_arn == arn]
    start = _start(request.get("Marker"), [m.uuid for m in mappings])
    limit = min(int(request.get("MaxItems") or PAGE_LIMIT), PAGE_LIMIT)
    page = mappings[start:start + limit]
    result: dict[str, Any] = {"EventSourceMappings": [m.response() for m in page]}
    if start + limit < len(mappings):
        result["NextMarker"] = page[-1].uuid
    return result


def _start(marker: str | None, uuids: list[str]) -> int:
    if not marker:
        return 0
    try:
        return uuids.index(marker) + 1
    except ValueError:
        raise InvalidParameterValueException("Invalid marker.") from None
