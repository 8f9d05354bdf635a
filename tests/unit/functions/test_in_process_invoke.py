"""The in-process Invoke API other packages use (`runtime.functions.invoke`): results, and the
same AwsErrors the HTTP API returns."""

from __future__ import annotations

import asyncio
import base64
import io
import zipfile
from typing import Any

from headwater.core.context import RequestContext
from headwater.functions.errors import ResourceNotFoundException, TooManyRequestsException
from headwater.functions.service import OPERATIONS
from headwater.runtime import Runtime
from headwater.settings import Settings

SOURCE = "def handler(e, c):\n    if e.get('fail'):\n        raise ValueError('x')\n    return e\n"


def zip_of(source: str) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", source)
    return base64.b64encode(buffer.getvalue()).decode()


async def scenario() -> dict[str, Any]:
    runtime = Runtime(Settings())
    ctx = RequestContext("000000000000", "us-east-1", "rid", runtime)
    out: dict[str, Any] = {}
    try:
        await OPERATIONS["CreateFunction"](ctx, {
            "FunctionName": "inproc", "Runtime": "python3.11", "Handler": "app.handler",
            "Role": "arn:aws:iam::000000000000:role/r", "Code": {"ZipFile": zip_of(SOURCE)}})
        functions = runtime.functions
        arn = "arn:aws:lambda:us-east-1:000000000000:function:inproc"
        out["ok"] = await functions.invoke("000000000000", "us-east-1", arn, b'{"a": 1}')
        out["failed"] = await functions.invoke("000000000000", "us-east-1", "inproc",
                                               b'{"fail": true}', "$LATEST")
        try:
            await functions.invoke("000000000000", "us-east-1", "nope", b"{}")
        except ResourceNotFoundException as error:
            out["missing"] = error
        OPERATIONS["PutFunctionConcurrency"](ctx, {"FunctionName": "inproc",
                                                   "ReservedConcurrentExecutions": 0})
        try:
            await functions.invoke("000000000000", "us-east-1", "inproc", b"{}")
        except TooManyRequestsException as error:
            out["throttled"] = error
    finally:
        await functions.pool.stop()
        runtime.close()
    return out


def test_in_process_invoke() -> None:
    out = asyncio.run(scenario())
    ok = out["ok"]
    assert (ok.status, ok.payload, ok.function_error, ok.executed_version) == (
        200, b'{"a": 1}', None, "$LATEST")
    assert len(ok.request_id) == 36
    assert out["failed"].function_error == "Unhandled"
    assert b'"errorType": "ValueError"' in out["failed"].payload
    assert out["missing"].status == 404
    assert out["throttled"].status == 429
    assert out["throttled"].members["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"

