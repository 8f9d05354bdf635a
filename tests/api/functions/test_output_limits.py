"""A handler's output is read as it comes, in linear time, and the server keeps at most 1 MiB
of it per invocation (its first and last 512 KiB), so 100 MB of stdout neither stalls the
invocation nor grows the server."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from functions_support import ROLE, RUNTIME, handler_zip, new_name
from server_support import Server, serving
from worker_procs import rss_kb

FLOOD = """
import sys
def handler(event, context):
    if event.get("quiet"):
        return "quiet"
    line = b"x" * 999 + b"\\n"
    print("first line")
    for _ in range(100_000):
        sys.stdout.buffer.write(line)
    print("last line")
    return "done"
"""


@pytest.fixture(scope="module")
def flood_server() -> Any:
    yield from serving("--in-memory")


def test_100_mb_of_stdout_is_capped_and_the_server_stays_small(flood_server: Server) -> None:
    lam = flood_server.client("lambda")
    logs = flood_server.client("logs")
    name = new_name()
    lam.create_function(FunctionName=name, Runtime=RUNTIME, Role=ROLE, Handler="app.handler",
                        Code={"ZipFile": handler_zip(FLOOD)}, Timeout=300)
    lam.invoke(FunctionName=name, Payload=b'{"quiet": true}')  # warm: the baseline includes one worker
    before = rss_kb(flood_server.process.pid)
    response = lam.invoke(FunctionName=name, Payload=b"{}", LogType="Tail")
    grown = rss_kb(flood_server.process.pid) - before
    assert response["Payload"].read() == b'"done"'
    assert grown < 64 * 1024, f"the server grew by {grown} KB"
    tail = base64.b64decode(response["LogResult"]).decode()
    assert "last line\nEND RequestId:" in tail
    events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
    text = "\n".join(event["message"] for event in events)
    kept = sum(len(event["message"]) for event in events if event["message"].startswith("x"))
    assert kept <= 1024 * 1024
    assert "first line" in text and "last line" in text
    dropped = 100_000 * 1000 + len("first line\n") + len("last line\n") - 1024 * 1024
    assert (f"[Headwater dropped {dropped} bytes of this invocation's output: it keeps the "
            "first 524288 and the last 524288]") in text


def test_a_line_longer_than_a_log_event_becomes_several(flood_server: Server) -> None:
    lam = flood_server.client("lambda")
    logs = flood_server.client("logs")
    name = new_name()
    lam.create_function(FunctionName=name, Runtime=RUNTIME, Role=ROLE, Handler="app.handler",
                        Code={"ZipFile": handler_zip(
                            "def handler(e, c):\n    print('é' * 300_000)\n")})
    lam.invoke(FunctionName=name, Payload=b"{}")
    events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
    pieces = [event["message"] for event in events if event["message"].startswith("é")]
    assert "".join(pieces) == "é" * 300_000
    assert [len(piece.encode()) for piece in pieces] == [262144, 262144, 75712]
