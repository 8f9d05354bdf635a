"""UpdateFunctionCode and UpdateFunctionConfiguration on $LATEST. The answer shows
LastUpdateStatus InProgress; the stored state is Successful at once. Warm environments of the
old $LATEST are retired."""

from __future__ import annotations

import asyncio
from typing import Any

from headwater.functions import roles
from headwater.functions.code_objects import code_bytes
from headwater.functions.config import (
    apply_settings,
    check_environment,
    check_runtime,
    revision,
    timestamp,
)
from headwater.functions.context import RequestContext
from headwater.functions.deployment_packages import check_zip, unpack
from headwater.functions.errors import InvalidParameterValueException
from headwater.functions.interpreters import python_for
from headwater.functions.names import LATEST, parse
from headwater.functions.node_runtimes import machine_node
from headwater.functions.operations.create_function import check_timeout, describe_runtime
from headwater.functions.operations.versions import check_revision, publish
from headwater.functions.settings import check_unsupported
from headwater.functions.store import public


async def update_function_code(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    functions = ctx.runtime.functions
    record = functions.function(parse(ctx.account, ctx.region, request["FunctionName"]))
    check_revision(request.get("RevisionId"), record.config["RevisionId"])
    check_unsupported(request)  # PublishTo
    if request.get("SourceKMSKeyArn"):
        raise InvalidParameterValueException(
            "Headwater does not support SourceKMSKeyArn (encrypting the .zip file).")
    zipped = code_bytes(ctx.runtime.buckets, record.account, record.region, request)
    package = await asyncio.to_thread(check_zip, zipped)
    if request.get("DryRun"):
        return public({**record.config, "CodeSha256": package.sha256, "CodeSize": package.size})
    await asyncio.to_thread(unpack, functions.code_root, package.key, package.zip_bytes)
    functions.store.put_code(package.key, package.zip_bytes)
    record = functions.function(parse(ctx.account, ctx.region, request["FunctionName"]))
    config = dict(record.config)
    config.update(CodeSha256=package.sha256, CodeSize=package.size, _CodeKey=package.key)
    if "Architectures" in request:
        config["Architectures"] = request["Architectures"]
    return _save(ctx, record, config, bool(request.get("Publish")))


async def update_function_configuration(ctx: RequestContext,
                                        request: dict[str, Any]) -> dict[str, Any]:
    functions = ctx.runtime.functions
    record = functions.function(parse(ctx.account, ctx.region, request["FunctionName"]))
    check_revision(request.get("RevisionId"), record.config["RevisionId"])
    if "Runtime" in request:
        await asyncio.to_thread(machine_node)  # probed once, off the event loop
        check_runtime(request["Runtime"])
    check_unsupported(request)
    check_environment(request.get("Environment"))
    check_timeout(request)
    role = request.get("Role", record.config.get("Role", ""))
    if "Role" in request:
        roles.check_assumable(ctx, role)
    roles.check_destination(ctx, role, (request.get("DeadLetterConfig") or {}).get("TargetArn"))
    if "Runtime" in request:
        await asyncio.to_thread(python_for, request["Runtime"])
        record = functions.function(parse(ctx.account, ctx.region, request["FunctionName"]))
    config = dict(record.config)
    apply_settings(config, request)
    describe_runtime(config, record.region)
    functions.node_sdk.prefetch(config["Runtime"])
    return _save(ctx, record, config, False)


def _save(ctx: RequestContext, record: Any, config: dict[str, Any],
          publish_now: bool) -> dict[str, Any]:
    functions = ctx.runtime.functions
    config.update(LastModified=timestamp(ctx.runtime.clock.now()), RevisionId=revision())
    functions.store.update_config(record.id, config)
    record.config = config
    functions.pool.retire(record.id, LATEST)
    response = publish(functions, record, None) if publish_now else public(config)
    response["LastUpdateStatus"] = "InProgress"
    return response
