"""How mappings name and find functions: FunctionName in any of its forms to the ARN the API
echoes, and whether that function (and qualifier) exists."""

from __future__ import annotations

from headwater.functions import names
from headwater.triggers.context import RequestContext
from headwater.triggers.errors import InvalidParameterValueException, ResourceNotFoundException

MISSING = "Function does not exist"


def resolve(ctx: RequestContext, function_name: str) -> str:
    """The function ARN (qualified when the name was) for FunctionName; raises when missing."""
    ref = names.parse(ctx.account, ctx.region, function_name)
    if not exists(ctx, ref):
        raise InvalidParameterValueException(MISSING)
    return names.function_arn(ref.region, ref.account, ref.name, ref.qualifier)


def arn_or_none(ctx: RequestContext, function_name: str) -> str | None:
    """The ARN a List filter names, without checking existence; None when it cannot be one."""
    try:
        ref = names.parse(ctx.account, ctx.region, function_name)
    except InvalidParameterValueException:
        return None
    return names.function_arn(ref.region, ref.account, ref.name, ref.qualifier)


def exists(ctx: RequestContext, ref: names.FunctionRef) -> bool:
    functions = getattr(ctx.runtime, "functions", None)
    if functions is None:  # the function layer is not wired into this runtime
        return True
    try:
        functions.resolve(ref.account, ref.region, ref.name, ref.qualifier)
    except ResourceNotFoundException:
        return False
    return True
