"""DeleteFunction — 204; with a version qualifier deletes only that version (not one an alias
points to, and never $LATEST alone)."""

from __future__ import annotations

from typing import Any

from headwater.functions.context import RequestContext
from headwater.functions.errors import InvalidParameterValueException, ResourceConflictException
from headwater.functions.names import LATEST, function_arn, parse
from headwater.functions.registry import not_found


def delete_function(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    functions = ctx.runtime.functions
    ref = parse(ctx.account, ctx.region, request["FunctionName"], request.get("Qualifier"))
    record = functions.function(ref)
    if ref.qualifier is None:
        functions.store.delete(record.id)
        functions.pool.retire(record.id, None)
        # Its resource-based policies (AddPermission) go with it, qualified ones too.
        ctx.runtime.resource_policies.delete_under(
            function_arn(record.region, record.account, record.name), ":")
        return {"StatusCode": 204}
    if ref.qualifier == LATEST:
        raise InvalidParameterValueException(
            "$LATEST version cannot be deleted without deleting the function.")
    if not ref.qualifier.isdigit():
        raise InvalidParameterValueException(
            "Deletion of aliases is not currently supported.")
    if functions.store.version(record.id, int(ref.qualifier)) is None:
        raise not_found(ref)
    users = [a["Name"] for a in functions.store.aliases(record.id)
             if a["FunctionVersion"] == ref.qualifier]
    if users:
        raise ResourceConflictException(
            f"Unable to delete version because the following aliases reference it: {users}")
    functions.store.delete_version(record.id, int(ref.qualifier))
    ctx.runtime.resource_policies.delete(
        function_arn(record.region, record.account, record.name, ref.qualifier))
    functions.pool.retire(record.id, ref.qualifier)
    return {"StatusCode": 204}
