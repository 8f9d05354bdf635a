"""Invoke: payloads, AWS's error payloads for each way a handler fails, Tail logs, DryRun,
payload limits, and warm reuse (aws-facts §5.2, §5.3)."""

from __future__ import annotations

import base64
import sys
from typing import Any

import pytest
from botocore.exceptions import ClientError
from functions_support import Factory, call
from test_function_api import error

CONTEXT = """
import os
def handler(event, context):
    return {
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining": context.get_remaining_time_in_millis(),
        "identity": context.identity,
        "client_context": context.client_context and context.client_context.custom,
        "env": {k: v for k, v in os.environ.items() if k.startswith(("AWS", "LAMBDA", "_H", "MY"))},
        "cwd": os.getcwd(),
        "event": event,
    }
"""


def test_handler_sees_event_context_and_environment(lambda_: Any, make_function: Factory) -> None:
    name = make_function(CONTEXT, Timeout=5, MemorySize=256,
                         Environment={"Variables": {"MY_SETTING": "on"}})
    client_context = base64.b64encode(b'{"custom": {"k": "v"}}').decode()
    result, response = call(lambda_, name, {"n": 1}, ClientContext=client_context)
    assert response["StatusCode"] == 200 and "FunctionError" not in response
    assert response["ExecutedVersion"] == "$LATEST"
    assert result["event"] == {"n": 1}
    assert result["function_name"] == name
    assert result["function_version"] == "$LATEST"
    assert result["invoked_function_arn"] == f"arn:aws:lambda:us-east-1:000000000000:function:{name}"
    assert result["memory_limit_in_mb"] == "256"
    assert result["log_group_name"] == f"/aws/lambda/{name}"
    assert "/[$LATEST]" in result["log_stream_name"]
    assert 4000 < result["remaining"] <= 5000
    assert len(result["aws_request_id"]) == 36
    assert result["identity"] is None
    assert result["client_context"] == {"k": "v"}
    env = result["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == name
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["_HANDLER"] == "app.handler"
    assert env["MY_SETTING"] == "on"
    assert env["AWS_ACCESS_KEY_ID"] == "000000000000"
    assert env["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
    assert env["AWS_LAMBDA_RUNTIME_API"].startswith("127.0.0.1:")
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.11"
    assert env["LAMBDA_TASK_ROOT"] == result["cwd"]
    qualified, _ = call(lambda_, f"{name}:$LATEST")
    assert qualified["invoked_function_arn"].endswith(f":{name}:$LATEST")


def test_warm_environment_keeps_module_state(lambda_: Any, make_function: Factory) -> None:
    name = make_function("COUNT = 0\ndef handler(e, c):\n    global COUNT\n    COUNT += 1\n"
                         "    return COUNT\n")
    assert [call(lambda_, name)[0] for _ in range(3)] == [1, 2, 3]


def test_raised_exception(lambda_: Any, make_function: Factory) -> None:
    name = make_function("def handler(e, c):\n    raise ValueError('boom')\n")
    result, response = call(lambda_, name)
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    assert result["errorType"] == "ValueError"
    assert result["errorMessage"] == "boom"
    assert "raise ValueError('boom')" in result["stackTrace"][-1]
    assert "line 2, in handler" in result["stackTrace"][-1]


def test_request_id_in_error_payload_from_python_3_12(lambda_: Any, make_function: Factory) -> None:
    name = make_function("def handler(e, c):\n    raise KeyError('k')\n", runtime="python3.12")
    result, _ = call(lambda_, name)
    assert result["errorType"] == "KeyError" and len(result["requestId"]) == 36


def test_import_error_and_missing_handler(lambda_: Any, make_function: Factory) -> None:
    name = make_function("import not_a_module\n")
    result, response = call(lambda_, name)
    assert response["FunctionError"] == "Unhandled"
    assert result["errorType"] == "Runtime.ImportModuleError"
    assert result["errorMessage"] == "Unable to import module 'app': No module named 'not_a_module'"
    name = make_function("x = 1\n", handler="app.nothing")
    result, _ = call(lambda_, name)
    assert result["errorType"] == "Runtime.HandlerNotFound"
    assert result["errorMessage"] == "Handler 'nothing' missing on module 'app'"
    name = make_function("x = 1\n", handler="missing.handler")
    result, _ = call(lambda_, name)
    assert result["errorMessage"] == "Unable to import module 'missing': No module named 'missing'"
    name = make_function("def handler(e, c)\n    return 1\n")
    result, _ = call(lambda_, name)
    assert result["errorType"] == "Runtime.UserCodeSyntaxError"
    assert result["errorMessage"].startswith("Syntax error in module 'app': ")
    name = make_function("raise RuntimeError('init failed')\n")
    result, _ = call(lambda_, name)
    assert (result["errorType"], result["errorMessage"]) == ("RuntimeError", "init failed")


def test_unserialisable_result(lambda_: Any, make_function: Factory) -> None:
    name = make_function("def handler(e, c):\n    return {1, 2}\n")
    result, response = call(lambda_, name)
    assert response["FunctionError"] == "Unhandled"
    assert result["errorType"] == "Runtime.MarshalError"
    assert result["errorMessage"] == ("Unable to marshal response: Object of type set is not "
                                      "JSON serializable")


def test_crash_is_exit_error_and_environment_is_replaced(lambda_: Any,
                                                         make_function: Factory) -> None:
    name = make_function("import os\ndef handler(e, c):\n    if e.get('die'):\n"
                         "        os._exit(3)\n    return os.getpid()\n")
    first, _ = call(lambda_, name)
    result, response = call(lambda_, name, {"die": True})
    assert response["FunctionError"] == "Unhandled"
    assert result["errorType"] == "Runtime.ExitError"
    assert result["errorMessage"].endswith("Error: Runtime exited with error: exit status 3")
    after, response = call(lambda_, name)
    assert "FunctionError" not in response and after != first


def test_timeout_kills_and_replaces(lambda_: Any, make_function: Factory) -> None:
    name = make_function("import os, time\ndef handler(e, c):\n    if e.get('sleep'):\n"
                         "        time.sleep(10)\n    return os.getpid()\n", Timeout=1)
    first, _ = call(lambda_, name)
    result, response = call(lambda_, name, {"sleep": True}, LogType="Tail")
    assert response["StatusCode"] == 200 and response["FunctionError"] == "Unhandled"
    assert result["errorType"] == "Sandbox.Timedout"
    assert result["errorMessage"].endswith("Error: Task timed out after 1.00 seconds")
    log = base64.b64decode(response["LogResult"]).decode()
    assert "Task timed out after 1.00 seconds" in log and "Status: timeout" in log
    after, _ = call(lambda_, name)
    assert after != first


def test_tail_returns_the_invocation_log(lambda_: Any, make_function: Factory) -> None:
    name = make_function("print('at init')\ndef handler(e, c):\n    print('in handler')\n"
                         "    return 1\n")
    _, response = call(lambda_, name, LogType="Tail")
    log = base64.b64decode(response["LogResult"]).decode()
    lines = log.splitlines()
    assert lines[0] == "at init"
    assert lines[1].startswith("START RequestId: ") and lines[1].endswith(" Version: $LATEST")
    assert lines[2] == "in handler"
    assert lines[3].startswith("END RequestId: ")
    assert lines[4].startswith("REPORT RequestId: ") and "Init Duration: " in lines[4]
    _, response = call(lambda_, name, LogType="Tail")
    warm = base64.b64decode(response["LogResult"]).decode()
    assert "at init" not in warm and "Init Duration" not in warm
    big = make_function("def handler(e, c):\n    print('x' * 10000)\n")
    _, response = call(lambda_, big, LogType="Tail")
    assert len(base64.b64decode(response["LogResult"])) == 4096


def test_dry_run_and_event(lambda_: Any, make_function: Factory) -> None:
    name = make_function()
    response = lambda_.invoke(FunctionName=name, InvocationType="DryRun")
    assert response["StatusCode"] == 204
    response = lambda_.invoke(FunctionName=name, InvocationType="Event", Payload=b"{}")
    assert response["StatusCode"] == 202 and response["Payload"].read() == b""


def test_unknown_function_and_payload_errors(lambda_: Any, make_function: Factory) -> None:
    with pytest.raises(ClientError) as excinfo:
        lambda_.invoke(FunctionName="nope-nope", Qualifier="live")
    assert error(excinfo) == (404, "ResourceNotFoundException", "Function not found: "
                              "arn:aws:lambda:us-east-1:000000000000:function:nope-nope:live")
    name = make_function()
    with pytest.raises(ClientError) as excinfo:
        lambda_.invoke(FunctionName=name, Payload=b"{not json")
    assert error(excinfo)[:2] == (400, "InvalidRequestContentException")
    with pytest.raises(ClientError) as excinfo:
        lambda_.invoke(FunctionName=name, Payload=b'"' + b"x" * (6 * 1024 * 1024) + b'"')
    assert error(excinfo) == (413, "RequestEntityTooLargeException", "Request must be smaller "
                              "than 6291456 bytes for the InvokeFunction operation")


def test_oversize_response(lambda_: Any, make_function: Factory) -> None:
    # 6 MB + 1 reaches the Runtime API's route; 7 MB + 2 is over its body limit, refused with a
    # 413 before the body is read. Either way the environment stays warm for the next invoke.
    name = make_function("import os\ndef handler(e, c):\n    if e.get('size'):\n"
                         "        return 'x' * e['size']\n    return os.getpid()\n")
    first, _ = call(lambda_, name)
    for size in (6 * 1024 * 1024 + 1, 7 * 1024 * 1024):
        result, response = call(lambda_, name, {"size": size})
        assert response["FunctionError"] == "Unhandled"
        assert result["errorType"] == "Function.ResponseSizeTooLarge"
        assert result["errorMessage"] == (f"Response payload size ({size + 2} bytes) exceeded "
                                          "maximum allowed payload size (6291456 bytes).")
        after, response = call(lambda_, name)
        assert "FunctionError" not in response and after == first


def test_runtime_without_interpreter_uses_the_servers_python(lambda_: Any,
                                                            make_function: Factory) -> None:
    name = make_function("import sys\ndef handler(e, c):\n    return list(sys.version_info[:2])\n",
                         runtime="python3.14")
    result, _ = call(lambda_, name)
    config = lambda_.get_function_configuration(FunctionName=name)
    if "server's Python" in config["RuntimeVersionConfig"]["RuntimeVersionArn"]:
        assert result == list(sys.version_info[:2])
    else:
        assert result == [3, 14]


def test_provided_runtime_runs_the_bootstrap_executable(lambda_: Any, make_function: Factory) -> None:
    from functions_support import package

    bootstrap = f"""#!{sys.executable}
import json, os, urllib.request
api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
while True:
    with urllib.request.urlopen(api + "next") as r:
        rid = r.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(r.read())
    print("custom runtime got", event, flush=True)
    body = json.dumps({{"echo": event, "handler": os.environ["_HANDLER"]}}).encode()
    urllib.request.urlopen(urllib.request.Request(api + rid + "/response", data=body))
"""
    zip_bytes = package({"bootstrap": bootstrap}, modes={"bootstrap": 0o755})
    name = make_function(zip_bytes=zip_bytes, runtime="provided.al2023", handler="my.handler")
    result, response = call(lambda_, name, {"a": 1})
    assert result == {"echo": {"a": 1}, "handler": "my.handler"}
    result, _ = call(lambda_, name, {"a": 2})
    assert result["echo"] == {"a": 2}


@pytest.mark.parametrize("minor", [9, 10, 12, 13])
def test_each_python_runtime(lambda_: Any, make_function: Factory, minor: int) -> None:
    runtime = f"python3.{minor}"
    name = make_function("import sys\ndef handler(e, c):\n    if e.get('fail'):\n"
                         "        raise TypeError('bad')\n"
                         "    return [list(sys.version_info[:2]), c.function_name]\n",
                         runtime=runtime)
    where = lambda_.get_function(FunctionName=name)["Configuration"]["RuntimeVersionConfig"][
        "RuntimeVersionArn"]
    result, _ = call(lambda_, name)
    expected = [3, minor] if f"{runtime} runs on" in where else list(sys.version_info[:2])
    assert result == [expected, name]
    failed, response = call(lambda_, name, {"fail": True})
    assert response["FunctionError"] == "Unhandled"
    assert (failed["errorType"], failed["errorMessage"]) == ("TypeError", "bad")
    assert ("requestId" in failed) == (minor >= 12)


def test_provided_runtime_without_bootstrap(lambda_: Any, make_function: Factory) -> None:
    from functions_support import package

    name = make_function(zip_bytes=package({"other.txt": "x"}), runtime="provided.al2",
                         handler="x")
    result, response = call(lambda_, name)
    assert response["FunctionError"] == "Unhandled"
    assert result["errorType"] == "Runtime.InvalidEntrypoint"
    assert "no such file or directory" in result["errorMessage"]


def test_alias_weights_split_invocations(lambda_: Any, make_function: Factory) -> None:
    name = make_function("def handler(e, c):\n    return c.function_version\n")
    lambda_.publish_version(FunctionName=name)
    lambda_.update_function_configuration(FunctionName=name, Description="second")
    lambda_.publish_version(FunctionName=name)
    lambda_.create_alias(FunctionName=name, Name="canary", FunctionVersion="1",
                         RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
    seen = {call(lambda_, name, Qualifier="canary")[0] for _ in range(30)}
    assert seen == {"1", "2"}
