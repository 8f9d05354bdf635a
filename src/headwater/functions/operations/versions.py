"""PublishVersion (201) and ListVersionsByFunction. Version numbers are never reused; publishing
an unchanged $LATEST returns the latest version instead of a new one, as AWS does."""

from __future__ import annotations

from typing import Any

from headwater.functions.config import revision
from headwater.functions.context import RequestContext
from headwater.functions.errors import PreconditionFailedException
from headwater.functions.names import function_arn, parse
from headwater.functions.paging import page
from headwater.functions.registry import Functions
from headwater.functions.store import FunctionRecord, public

REVISION_MISMATCH = ("The Revision Id provided does not match the latest Revision Id. Call the "
                     "GetFunction/GetAlias API to retrieve the latest Revision Id")


def check_revision(expected: str | None, actual: str) -> None:
    if expected is not None and expected != actual:
        raise PreconditionFailedException(REVISION_MISMATCH)


def publish(functions: Functions, record: FunctionRecord,
            description: str | None) -> dict[str, Any]:
    latest = record.config
    versions = functions.store.versions(record.id)
    if versions and versions[-1].get("_SourceRevision") == latest["RevisionId"]:
        return public(versions[-1])
    number = int(latest.get("_LastVersion", 0)) + 1
    config = dict(latest)
    config.update(Version=str(number), RevisionId=revision(), _SourceRevision=latest["RevisionId"],
                  FunctionArn=function_arn(record.region, record.account, record.name, str(number)))
    if description is not None:
        config["Description"] = description
    latest = {**latest, "_LastVersion": number}
    record.config = latest
    with functions.store.storage.transaction():
        functions.store.update_config(record.id, latest)
        functions.store.insert_version(record.id, number, config)
    return public(config)


def publish_version(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    functions = ctx.runtime.functions
    record = functions.function(parse(ctx.account, ctx.region, request["FunctionName"]))
    check_revision(request.get("RevisionId"), record.config["RevisionId"])
    if request.get("CodeSha256") and request["CodeSha256"] != record.config["CodeSha256"]:
        raise PreconditionFailedException(
            f"CodeSHA256 ({request['CodeSha256']}) is different from current CodeSHA256 in "
            f"$LATEST ({record.config['CodeSha256']}). Please try again with the CodeSHA256 in "
            "$LATEST.")
    return publish(functions, record, request.get("Description"))


def list_versions_by_function(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    functions = ctx.runtime.functions
    record = functions.function(parse(ctx.account, ctx.region, request["FunctionName"]))
    items = [public(record.config)] + [public(c) for c in functions.store.versions(record.id)]
    return page(items, request, "Versions")
