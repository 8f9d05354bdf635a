"""CreateFunction — POST /2015-03-31/functions, 201 (aws-facts §5.1). The code is unpacked
before the response, so the function is Active as soon as the Pending answer is sent."""

from __future__ import annotations

import asyncio
from typing import Any

from headwater.functions import roles
from headwater.functions.code_objects import code_bytes
from headwater.functions.config import (
    DEFAULTS,
    apply_settings,
    check_environment,
    check_handler_needed,
    check_runtime,
    revision,
    timestamp,
)
from headwater.functions.context import RequestContext
from headwater.functions.deployment_packages import check_zip, unpack
from headwater.functions.errors import InvalidParameterValueException, ResourceConflictException
from headwater.functions.interpreters import PYTHON_RUNTIMES, python_for
from headwater.functions.names import LATEST, function_arn, parse
from headwater.functions.node_runtimes import NODE_RUNTIMES, machine_node, node_for
from headwater.functions.operations.tags import check_count, check_keys
from headwater.functions.operations.versions import publish
from headwater.functions.settings import check_unsupported, default_log_group
from headwater.functions.store import public


async def create_function(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    functions = ctx.runtime.functions
    if request.get("PackageType", "Zip") != "Zip":
        raise InvalidParameterValueException("Headwater supports Zip packages only.")
    check_handler_needed(request.get("Runtime"), request.get("Handler"))
    await asyncio.to_thread(machine_node)  # probed once, off the event loop
    check_runtime(request["Runtime"])
    check_unsupported(request)
    check_environment(request.get("Environment"))
    check_timeout(request)
    tags = dict(request.get("Tags") or {})
    check_keys(tags)
    check_count(tags)
    ref = parse(ctx.account, ctx.region, request["FunctionName"])
    if functions.store.get(ref.account, ref.region, ref.name) is not None:
        raise ResourceConflictException(f"Function already exist: {ref.name}")
    roles.check_assumable(ctx, request["Role"])
    roles.check_destination(ctx, request["Role"],
                            (request.get("DeadLetterConfig") or {}).get("TargetArn"))
    code = request["Code"]
    if code.get("SourceKMSKeyArn"):
        raise InvalidParameterValueException(
            "Headwater does not support Code.SourceKMSKeyArn (encrypting the .zip file).")
    zipped = code_bytes(ctx.runtime.buckets, ref.account, ref.region, code)
    # Hashing, unpacking and finding the interpreter stay off the event loop.
    package = await asyncio.to_thread(check_zip, zipped)
    await asyncio.to_thread(unpack, functions.code_root, package.key, package.zip_bytes)
    await asyncio.to_thread(python_for, request["Runtime"])
    if functions.store.get(ref.account, ref.region, ref.name) is not None:
        raise ResourceConflictException(f"Function already exist: {ref.name}")
    functions.store.put_code(package.key, package.zip_bytes)
    config: dict[str, Any] = {
        "FunctionName": ref.name,
        "FunctionArn": function_arn(ref.region, ref.account, ref.name),
        "Handler": request.get("Handler", ""),
        **DEFAULTS,
        "CodeSize": package.size,
        "CodeSha256": package.sha256,
        "Version": LATEST,
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": default_log_group(ref.name)},
        "State": "Active",
        "LastUpdateStatus": "Successful",
        "_CodeKey": package.key,
        "_LastVersion": 0,
    }
    apply_settings(config, request)
    describe_runtime(config, ref.region)
    config["LastModified"] = timestamp(ctx.runtime.clock.now())
    config["RevisionId"] = revision()
    function_id = functions.store.insert(ref.account, ref.region, ref.name, config, tags)
    functions.node_sdk.prefetch(config["Runtime"])
    response = public(config)
    if request.get("Publish"):
        record = functions.store.get(ref.account, ref.region, ref.name)
        assert record is not None and record.id == function_id
        response = publish(functions, record, None)
    response.update(State="Pending", StateReason="The function is being created.",
                    StateReasonCode="Creating")
    return response


def check_timeout(request: dict[str, Any]) -> None:
    timeout = request.get("Timeout")
    if timeout is not None and timeout > 900:
        raise InvalidParameterValueException(
            f"1 validation error detected: Value '{timeout}' at 'timeout' failed to satisfy "
            "constraint: Member must have value less than or equal to 900")


def describe_runtime(config: dict[str, Any], region: str) -> None:
    """Say which interpreter runs the function (RuntimeVersionConfig is the only modelled
    place for it that does not overwrite the user's Description)."""
    runtime = config["Runtime"]
    node = node_for(runtime) if runtime in NODE_RUNTIMES else None
    if runtime in PYTHON_RUNTIMES:
        where = python_for(runtime).describe(runtime)
    elif node is not None:
        where = node.describe(runtime)
    else:
        where = f"{runtime} runs the package's bootstrap executable"
    config["RuntimeVersionConfig"] = {
        "RuntimeVersionArn": f"arn:aws:lambda:{region}::runtime:headwater:{where}"}
