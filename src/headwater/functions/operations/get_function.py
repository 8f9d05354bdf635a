"""GetFunction and GetFunctionConfiguration; qualified names and ARNs resolve to the version
or alias they name."""

from __future__ import annotations

from typing import Any

from headwater.functions.context import RequestContext
from headwater.functions.store import public


def get_function_configuration(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    resolved = ctx.runtime.functions.resolve(ctx.account, ctx.region, request["FunctionName"],
                                             request.get("Qualifier"))
    return public(resolved.config)


def get_function(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    functions = ctx.runtime.functions
    resolved = functions.resolve(ctx.account, ctx.region, request["FunctionName"],
                                 request.get("Qualifier"))
    code_dir = functions.code_root / resolved.config["_CodeKey"]
    result: dict[str, Any] = {
        "Configuration": public(resolved.config),
        "Code": {"RepositoryType": "S3", "Location": code_dir.as_uri()},
    }
    if resolved.record.tags:
        # Omitted for a function without tags, as AWS does (LocalStack's recorded snapshots).
        result["Tags"] = resolved.record.tags
    if resolved.record.reserved is not None:
        result["Concurrency"] = {"ReservedConcurrentExecutions": resolved.record.reserved}
    return result
