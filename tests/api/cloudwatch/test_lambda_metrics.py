"""AWS/Lambda function metrics (Lambda developer guide, "Types of metrics for Lambda
functions"): Invocations, Errors, Duration and Throttles by FunctionName and Resource,
concurrency, and the asynchronous-invocation metrics, each checked against the invocations
made."""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import orjson
import pytest
from server_support import wait_for

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
SOURCE = """
def handler(event, context):
    if event.get("fail"):
        raise ValueError("asked to fail")
    return event
"""


@pytest.fixture
def function(lam: Any, unique: Callable[[str], str]) -> Iterator[str]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", SOURCE)
    name = unique("fn")
    lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                        Handler="app.handler", Code={"ZipFile": buffer.getvalue()})
    yield name
    lam.delete_function(FunctionName=name)


def _invoke(lam: Any, name: str, event: dict[str, Any], **kwargs: Any) -> Any:
    return lam.invoke(FunctionName=name, Payload=orjson.dumps(event), **kwargs)


def test_invocations_errors_and_duration(lam: Any, function: str,
                                         stats: Callable[..., dict[str, Any]]) -> None:
    for _ in range(3):
        _invoke(lam, function, {})
    assert _invoke(lam, function, {"fail": True})["FunctionError"] == "Unhandled"
    dims = {"FunctionName": function}
    assert stats("AWS/Lambda", "Invocations", dims)["Sum"] == 4
    assert stats("AWS/Lambda", "Errors", dims)["Sum"] == 1
    duration = stats("AWS/Lambda", "Duration", dims)
    assert duration["SampleCount"] == 4 and duration["Unit"] == "Milliseconds"
    assert duration["Minimum"] > 0
    assert stats("AWS/Lambda", "ConcurrentExecutions", dims)["Maximum"] == 1


def test_qualified_invocations_have_a_resource(lam: Any, function: str,
                                               stats: Callable[..., dict[str, Any]]) -> None:
    version = lam.publish_version(FunctionName=function)["Version"]
    lam.create_alias(FunctionName=function, Name="live", FunctionVersion=version)
    _invoke(lam, function, {}, Qualifier="live")
    resource = {"FunctionName": function, "Resource": f"{function}:live"}
    assert stats("AWS/Lambda", "Invocations", resource)["Sum"] == 1
    assert stats("AWS/Lambda", "Invocations",
                 {**resource, "ExecutedVersion": version})["Sum"] == 1
    assert stats("AWS/Lambda", "Invocations", {"FunctionName": function})["Sum"] == 1


def test_throttles(lam: Any, function: str, stats: Callable[..., dict[str, Any]]) -> None:
    lam.put_function_concurrency(FunctionName=function, ReservedConcurrentExecutions=0)
    sent: list[int] = []  # botocore retries a throttled Invoke: each attempt is throttled

    def count(**_: Any) -> None:
        sent.append(1)

    lam.meta.events.register("before-send.lambda.Invoke", count)
    try:
        with pytest.raises(lam.exceptions.TooManyRequestsException):
            _invoke(lam, function, {})
    finally:
        lam.meta.events.unregister("before-send.lambda.Invoke", count)
    assert stats("AWS/Lambda", "Throttles", {"FunctionName": function})["Sum"] == len(sent)
    assert stats("AWS/Lambda", "Invocations", {"FunctionName": function}) == {}


def test_async_events(lam: Any, function: str, stats: Callable[..., dict[str, Any]]) -> None:
    lam.put_function_event_invoke_config(FunctionName=function, MaximumRetryAttempts=0)
    _invoke(lam, function, {}, InvocationType="Event")
    _invoke(lam, function, {"fail": True}, InvocationType="Event")
    dims = {"FunctionName": function}
    assert stats("AWS/Lambda", "AsyncEventsReceived", dims)["Sum"] == 2
    wait_for(lambda: stats("AWS/Lambda", "Invocations", dims).get("Sum") == 2, timeout=30)
    wait_for(lambda: stats("AWS/Lambda", "AsyncEventsDropped", dims).get("Sum") == 1, timeout=10)
    age = stats("AWS/Lambda", "AsyncEventAge", dims)
    assert age["SampleCount"] == 2 and age["Unit"] == "Milliseconds"


SLOW_INIT = """
import time
time.sleep(0.5)  # a cold start's init: Init Duration, not Duration


def handler(event, context):
    return event
"""


def test_duration_leaves_out_the_cold_start(lam: Any, unique: Callable[[str], str],
                                            stats: Callable[..., dict[str, Any]]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", SLOW_INIT)
    name = unique("fn")
    lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                        Handler="app.handler", Code={"ZipFile": buffer.getvalue()})
    try:
        answer = _invoke(lam, name, {}, LogType="Tail")
        report = base64.b64decode(answer["LogResult"]).decode().rsplit("REPORT", 1)[1]
        fields = dict(part.split(": ", 1) for part in report.strip().split("\t")[1:])
        ran = float(fields["Duration"].removesuffix(" ms"))
        init = float(fields["Init Duration"].removesuffix(" ms"))
        assert init >= 500
        duration = stats("AWS/Lambda", "Duration", {"FunctionName": name})
        # the metric is the REPORT line's Duration (kept to 4 significant digits), so the
        # half-second init is not in it
        assert duration["SampleCount"] == 1
        assert duration["Sum"] == pytest.approx(ran, abs=0.01, rel=1e-3)
        assert duration["Sum"] < init
    finally:
        lam.delete_function(FunctionName=name)
