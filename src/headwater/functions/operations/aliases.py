"""CreateAlias (201), GetAlias, UpdateAlias, DeleteAlias (204), ListAliases."""

from __future__ import annotations

from typing import Any

from headwater.functions.config import revision
from headwater.functions.context import RequestContext
from headwater.functions.errors import ResourceConflictException, ResourceNotFoundException
from headwater.functions.names import LATEST, FunctionRef, function_arn, parse
from headwater.functions.operations.versions import check_revision
from headwater.functions.paging import page
from headwater.functions.registry import Functions, not_found
from headwater.functions.store import FunctionRecord


def _function(ctx: RequestContext, request: dict[str, Any]) -> tuple[Functions, FunctionRecord]:
    functions = ctx.runtime.functions
    return functions, functions.function(parse(ctx.account, ctx.region, request["FunctionName"]))


def _alias_arn(record: FunctionRecord, name: str) -> str:
    return function_arn(record.region, record.account, record.name, name)


def _check_version(functions: Functions, record: FunctionRecord, version: str) -> None:
    if version != LATEST and (not version.isdigit()
                              or functions.store.version(record.id, int(version)) is None):
        raise not_found(FunctionRef(record.account, record.region, record.name, version))


def _get(functions: Functions, record: FunctionRecord, name: str) -> dict[str, Any]:
    alias = functions.store.alias(record.id, name)
    if alias is None:
        raise ResourceNotFoundException(f"Cannot find alias arn: {_alias_arn(record, name)}")
    return alias


def create_alias(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    functions, record = _function(ctx, request)
    name = request["Name"]
    if functions.store.alias(record.id, name) is not None:
        raise ResourceConflictException(f"Alias already exists: {_alias_arn(record, name)}")
    _check_version(functions, record, request["FunctionVersion"])
    alias: dict[str, Any] = {
        "AliasArn": _alias_arn(record, name), "Name": name,
        "FunctionVersion": request["FunctionVersion"],
        "Description": request.get("Description", ""), "RevisionId": revision(),
    }
    if request.get("RoutingConfig"):
        alias["RoutingConfig"] = request["RoutingConfig"]
    functions.store.put_alias(record.id, name, alias)
    return alias


def get_alias(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    functions, record = _function(ctx, request)
    return _get(functions, record, request["Name"])


def update_alias(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    functions, record = _function(ctx, request)
    alias = _get(functions, record, request["Name"])
    check_revision(request.get("RevisionId"), alias["RevisionId"])
    if "FunctionVersion" in request:
        _check_version(functions, record, request["FunctionVersion"])
        alias["FunctionVersion"] = request["FunctionVersion"]
    for key in ("Description", "RoutingConfig"):
        if key in request:
            alias[key] = request[key]
    alias["RevisionId"] = revision()
    functions.store.put_alias(record.id, request["Name"], alias)
    return alias


def delete_alias(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    functions, record = _function(ctx, request)
    functions.store.delete_alias(record.id, request["Name"])
    return {}


def list_aliases(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    functions, record = _function(ctx, request)
    aliases = functions.store.aliases(record.id)
    if request.get("FunctionVersion"):
        aliases = [a for a in aliases if a["FunctionVersion"] == request["FunctionVersion"]]
    return page(aliases, request, "Aliases")
