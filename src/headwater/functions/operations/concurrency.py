"""Put/Get/DeleteFunctionConcurrency (aws-facts §5.4): reserved concurrency caps the function's
simultaneous executions; 0 throttles every invocation."""

from __future__ import annotations

from typing import Any

from headwater.functions.context import RequestContext
from headwater.functions.errors import InvalidParameterValueException
from headwater.functions.names import parse

ACCOUNT_LIMIT = 1000
UNRESERVED_MINIMUM = 100


def put_function_concurrency(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    functions = ctx.runtime.functions
    record = functions.function(parse(ctx.account, ctx.region, request["FunctionName"]))
    wanted = int(request["ReservedConcurrentExecutions"])
    others = sum(r.reserved or 0 for r in functions.store.functions(record.account, record.region,
                                                               "", 1_000_000)
                 if r.id != record.id)
    if ACCOUNT_LIMIT - others - wanted < UNRESERVED_MINIMUM:
        raise InvalidParameterValueException(
            "Specified ReservedConcurrentExecutions for function decreases account's "
            f"UnreservedConcurrentExecution below its minimum value of [{UNRESERVED_MINIMUM}].")
    functions.store.set_reserved(record.id, wanted)
    return {"ReservedConcurrentExecutions": wanted}


def get_function_concurrency(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    record = ctx.runtime.functions.function(parse(ctx.account, ctx.region, request["FunctionName"]))
    if record.reserved is None:
        return {}
    return {"ReservedConcurrentExecutions": record.reserved}


def delete_function_concurrency(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    functions = ctx.runtime.functions
    record = functions.function(parse(ctx.account, ctx.region, request["FunctionName"]))
    functions.store.set_reserved(record.id, None)
    return {}
