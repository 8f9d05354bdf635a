"""ListExports and ListImports: the account's exported outputs, and the stacks importing one."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation import exports
from headwater.cloudformation.context import RequestContext
from headwater.cloudformation.errors import ValidationError


def list_exports(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    found = exports.exports(ctx.runtime.storage.conn, ctx.account, ctx.region)
    return {"Exports": [{"ExportingStackId": export.stack_id, "Name": export.name,
                         "Value": export.value} for export in found.values()]}


def list_imports(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    name = request["ExportName"]
    users = exports.importers(ctx.runtime.storage.conn, ctx.account, ctx.region, name)
    if not users:
        raise ValidationError(f"Export '{name}' is not imported by any stack.")
    return {"Imports": users}
