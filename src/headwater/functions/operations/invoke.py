"""Invoke — POST /2015-03-31/functions/{FunctionName}/invocations (aws-facts §5.2): 200 with the
payload (X-Amz-Function-Error on failure), 202 for Event, 204 for DryRun. The invocation runs
under the response's request id (context.aws_request_id, the log lines, an Event invocation's
destination record), as on AWS."""

from __future__ import annotations

from typing import Any

from headwater.functions.context import RequestContext


async def invoke(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    result = await ctx.runtime.functions.invoke(
        ctx.account, ctx.region, request["FunctionName"], request.get("Payload") or b"",
        request.get("Qualifier"),
        invocation_type=request.get("InvocationType") or "RequestResponse",
        log_type=request.get("LogType"), client_context=request.get("ClientContext"),
        request_id=ctx.request_id)
    response: dict[str, Any] = {"StatusCode": result.status, "Payload": result.payload}
    if result.function_error:
        response["FunctionError"] = result.function_error
    if result.executed_version:
        response["ExecutedVersion"] = result.executed_version
    if result.log_tail is not None:
        response["LogResult"] = result.log_tail
    return response
