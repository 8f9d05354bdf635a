"""The Python runtime that runs inside an execution environment (a worker process).

It is started as a script by the server (`python bootstrap.py`), never imported by it, and uses
the standard library only, on any Python from 3.9: it loads `_HANDLER` from LAMBDA_TASK_ROOT,
then loops over the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API (`invocation/next`,
`/response`, `/error`, `init/error`). Error payloads follow aws-facts §5.2. After init and after
each invocation it writes MARKER to stdout so the server can tell which output was whose.
"""

from __future__ import annotations

import decimal
import http.client
import importlib
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

MARKER = b"\x1e\x1fheadwater-end\x1f\n"  # keep in sync with functions/output.py
API = "/2018-06-01/runtime"
# The runtime's SDK (keep in sync with functions/runtime_sdk.py), and why it is missing if the
# server could not install it: a handler that imports it is told.
SDK_MODULES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
SDK_ERROR = os.environ.pop("_HEADWATER_RUNTIME_SDK_ERROR", "")


class InitFailure(Exception):
    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace or []


class LambdaContext:
    def __init__(self, request_id: str | None, deadline_ms: int, invoked_arn: str | None,
                 client_context: _Obj | None, identity: _Obj | None) -> None:
        self.aws_request_id = request_id
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_arn
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.client_context = client_context
        self.identity = identity
        self.tenant_id: str | None = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(int(self._deadline_ms - time.time() * 1000), 0)

    def __repr__(self) -> str:
        return (f"LambdaContext([aws_request_id={self.aws_request_id},"
                f"log_group_name={self.log_group_name},log_stream_name={self.log_stream_name},"
                f"function_name={self.function_name},memory_limit_in_mb={self.memory_limit_in_mb},"
                f"function_version={self.function_version},"
                f"invoked_function_arn={self.invoked_function_arn}])")


class _Obj:
    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)


def _client_context(raw: str | None) -> _Obj | None:
    if not raw:
        return None
    data = json.loads(raw)
    return _Obj(client=_Obj(**(data.get("client") or {})) if data.get("client") else None,
                custom=data.get("custom"), env=data.get("env"))


def _identity(raw: str | None) -> _Obj | None:
    if not raw:
        return None
    data = json.loads(raw)
    return _Obj(cognito_identity_id=data.get("cognitoIdentityId"),
                cognito_identity_pool_id=data.get("cognitoIdentityPoolId"))


def end_segment() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os.write(1, MARKER)


def load_handler(spec: str) -> Callable[[Any, Any], Any]:
    module_path, _, function_name = spec.rpartition(".")
    if not module_path or not function_name:
        raise InitFailure("Runtime.MalformedHandlerName",
                          f"Bad handler '{spec}': not enough values to unpack (expected 2, got 1)")
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        message = f"Unable to import module '{module_name}': {error}"
        missing = (getattr(error, "name", None) or "").partition(".")[0]
        if SDK_ERROR and missing in SDK_MODULES:
            message += f" ({SDK_ERROR})"
        raise InitFailure("Runtime.ImportModuleError", message)
    except SyntaxError as error:
        raise InitFailure("Runtime.UserCodeSyntaxError",
                          f"Syntax error in module '{module_name}': {error}",
                          [f"  File \"{error.filename}\" Line {error.lineno}\n    {error.text}"])
    except Exception as error:
        raise InitFailure(type(error).__name__, str(error), _trace(error))
    handler = getattr(module, function_name, None)
    if handler is None:
        raise InitFailure("Runtime.HandlerNotFound",
                          f"Handler '{function_name}' missing on module '{module_name}'")
    return handler  # type: ignore[no-any-return]


def _trace(error: BaseException) -> list[str]:
    tb = error.__traceback__
    frames = traceback.extract_tb(tb)
    here = os.path.abspath(__file__)
    return [line for frame, line in zip(frames, traceback.format_list(frames))
            if os.path.abspath(frame.filename) != here]


def _default(value: object) -> int | float:
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _log_error(payload: dict[str, Any]) -> None:
    lines = [f"[ERROR] {payload['errorType']}: {payload['errorMessage']}"]
    if payload.get("stackTrace"):
        lines.append("Traceback (most recent call last):")
        lines.extend(line.rstrip("\n") for line in payload["stackTrace"])
    print("\n".join(lines), file=sys.stdout)


class RuntimeClient:
    def __init__(self, address: str) -> None:
        host, _, port = address.rpartition(":")
        self.conn = http.client.HTTPConnection(host, int(port))

    def call(self, method: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[http.client.HTTPResponse, bytes]:
        self.conn.request(method, API + path, body=body, headers=headers or {})
        response = self.conn.getresponse()
        return response, response.read()

    def post(self, path: str, body: bytes, error_type: str | None = None) -> None:
        headers = {"Content-Type": "application/json"}
        if error_type:
            headers["Lambda-Runtime-Function-Error-Type"] = error_type
        try:
            self.call("POST", path, body, headers)
        except (ConnectionError, http.client.HTTPException):
            # A body over the Runtime API's limit is answered 413 and the connection closed
            # while we still send; the invocation is already settled. Reconnect for the next.
            self.conn.close()


def main() -> None:
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    # Started with -I: sys.path lacks this file's directory (our modules must not shadow the
    # user's or the standard library's) and PYTHONPATH, which Lambda honours, so add it here.
    extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    # The runtime's boto3 comes after the function's code, as /var/runtime does on AWS (a
    # bundled copy wins), and before the standard library. Started with -S: no site-packages.
    sdk = os.environ.pop("_HEADWATER_RUNTIME_SDK", "")
    sys.path[0:0] = [task_root, *extra, *([sdk] if sdk else [])]
    os.chdir(task_root)
    runtime = RuntimeClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    # python3.12+ runtimes put requestId in error payloads; go by the runtime, not the interpreter.
    minor = os.environ.get("AWS_EXECUTION_ENV", "").rpartition("python3.")[2]
    new_style = not minor.isdigit() or int(minor) >= 12
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except InitFailure as failure:
        payload: dict[str, Any] = {
            "errorMessage": failure.message, "errorType": failure.error_type,
            "requestId": "", "stackTrace": failure.trace}
        _log_error(payload)
        end_segment()
        runtime.post("/init/error", json.dumps(payload).encode(), failure.error_type)
        sys.exit(1)
    end_segment()
    while True:
        response, body = runtime.call("GET", "/invocation/next")
        request_id = response.getheader("Lambda-Runtime-Aws-Request-Id")
        trace_id = response.getheader("Lambda-Runtime-Trace-Id")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        context = LambdaContext(
            request_id, int(response.getheader("Lambda-Runtime-Deadline-Ms") or 0),
            response.getheader("Lambda-Runtime-Invoked-Function-Arn"),
            _client_context(response.getheader("Lambda-Runtime-Client-Context")),
            _identity(response.getheader("Lambda-Runtime-Cognito-Identity")))
        error_type = None
        try:
            event = json.loads(body) if body else {}
            result = handler(event, context)
            try:
                out = json.dumps(result, default=_default).encode()
            except (TypeError, ValueError) as error:
                error_type = "Runtime.MarshalError"
                payload = {"errorMessage": f"Unable to marshal response: {error}",
                           "errorType": error_type, "stackTrace": []}
        except Exception as error:
            error_type = type(error).__name__
            payload = {"errorMessage": str(error), "errorType": error_type,
                       "stackTrace": _trace(error)}
        if error_type is None:
            end_segment()
            runtime.post(f"/invocation/{request_id}/response", out)
            continue
        if new_style:
            payload["requestId"] = request_id
        _log_error(payload)
        end_segment()
        runtime.post(f"/invocation/{request_id}/error", json.dumps(payload).encode(), error_type)


if __name__ == "__main__":
    main()
