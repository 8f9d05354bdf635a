"""Workers live no longer than their server: a SIGKILLed server's busy worker dies with it, the
children a handler detached with setsid are killed by a clean stop, or by the next server on
the same data directory after a SIGKILL. At most --max-workers workers live at once, and a
worker using more than its MemorySize ends the invocation as AWS reports it."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import orjson
import pytest
from functions_support import ROLE, RUNTIME, call, handler_zip, new_name
from server_support import start_server, wait_for
from worker_procs import alive, processes_of

DETACH = """
import subprocess, time
def handler(event, context):
    subprocess.Popen(["sleep", "600"], start_new_session=True)
    time.sleep(600)
"""


def _create(lam: Any, source: str, **kwargs: Any) -> str:
    name = new_name()
    lam.create_function(FunctionName=name, Runtime=RUNTIME, Role=ROLE, Handler="app.handler",
                        Code={"ZipFile": handler_zip(source)}, **kwargs)
    return name


def _busy(lam: Any, name: str) -> tuple[int, int]:
    """Start DETACH as an Event invocation; (worker pid, detached child pid) once both run."""
    lam.invoke(FunctionName=name, InvocationType="Event", Payload=b"{}")

    def both() -> tuple[int, int] | None:
        procs = processes_of(name)
        sleeper = [pid for pid, cmd in procs.items() if cmd.startswith("sleep ")]
        worker = [pid for pid, cmd in procs.items() if "bootstrap.py" in cmd]
        return (worker[0], sleeper[0]) if sleeper and worker else None
    return wait_for(both, timeout=20)


def test_sigkilled_server_takes_its_busy_worker_and_the_next_reaps_the_rest(
        tmp_path: Path) -> None:
    server = start_server("--data-dir", str(tmp_path))
    try:
        name = _create(server.client("lambda"), DETACH, Timeout=900)
        worker, detached = _busy(server.client("lambda"), name)
    finally:
        server.kill()
    wait_for(lambda: not alive(worker), timeout=10)  # the parent-death signal
    assert alive(detached)  # in its own session, out of the kernel's reach
    successor = start_server("--data-dir", str(tmp_path))
    try:
        wait_for(lambda: not alive(detached), timeout=10)
    finally:
        successor.stop()


def test_clean_stop_kills_children_that_called_setsid() -> None:
    server = start_server("--in-memory")
    try:
        name = _create(server.client("lambda"), DETACH, Timeout=900)
        worker, detached = _busy(server.client("lambda"), name)
    finally:
        server.stop()
    wait_for(lambda: not alive(worker) and not alive(detached), timeout=10)


def test_max_workers_ends_idle_workers_to_make_room() -> None:
    server = start_server("--in-memory", "--max-workers", "1")
    try:
        lam = server.client("lambda")
        first, second = (_create(lam, "def handler(e, c):\n    return 1\n") for _ in range(2))
        assert call(lam, first)[0] == 1
        assert len(processes_of(first)) == 1
        assert call(lam, second)[0] == 1
        wait_for(lambda: not processes_of(first), timeout=10)
        assert len(processes_of(second)) == 1
    finally:
        server.stop()


def test_max_workers_throttles_past_the_cap() -> None:
    server = start_server("--in-memory", "--max-workers", "1")
    try:
        lam = server.client("lambda")
        slow = _create(lam, DETACH, Timeout=900)
        fast = _create(lam, "def handler(e, c):\n    return 1\n")
        _busy(lam, slow)
        try:
            lam.invoke(FunctionName=fast, Payload=b"{}")
            raise AssertionError("not throttled")
        except lam.exceptions.TooManyRequestsException as error:
            assert error.response["Reason"] == "ConcurrentInvocationLimitExceeded"
            assert error.response["Error"]["Message"] == "Rate Exceeded."
    finally:
        server.stop()


HOG = """
import time
def handler(event, context):
    hog = bytearray(400 * 2**20)
    hog[::4096] = b"x" * len(hog[::4096])
    time.sleep(event["then_sleep"])
    return "survived"
"""


@pytest.mark.parametrize("then_sleep", [30, 0], ids=["while-running", "gone-at-the-end"])
def test_memory_over_memory_size_ends_the_invocation(lambda_: Any, make_function: Any,
                                                     then_sleep: int) -> None:
    name = make_function(HOG, MemorySize=128, Timeout=60)
    response = lambda_.invoke(FunctionName=name, Payload=orjson.dumps({"then_sleep": then_sleep}),
                              LogType="Tail")
    request_id = response["ResponseMetadata"]["RequestId"]
    assert response["FunctionError"] == "Unhandled"
    assert orjson.loads(response["Payload"].read()) == {
        "errorType": "Runtime.OutOfMemory",
        "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: signal: killed"}
    tail = base64.b64decode(response["LogResult"]).decode()
    assert "\tStatus: error\tError Type: Runtime.OutOfMemory" in tail
    assert f"RequestId: {request_id} Error: Runtime exited with error: signal: killed\n" \
        "Runtime.OutOfMemory\n" in tail
