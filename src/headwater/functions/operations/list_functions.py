"""ListFunctions — $LATEST of every function (FunctionVersion=ALL adds published versions),
50 per page with Marker/NextMarker."""

from __future__ import annotations

from typing import Any

from headwater.functions.context import RequestContext
from headwater.functions.paging import page
from headwater.functions.store import public


def list_functions(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    store = ctx.runtime.functions.store
    items: list[dict[str, Any]] = []
    for record in store.functions(ctx.account, ctx.region, "", 1_000_000):
        items.append(public(record.config))
        if request.get("FunctionVersion") == "ALL":
            items.extend(public(config) for config in store.versions(record.id))
    return page(items, request, "Functions")
