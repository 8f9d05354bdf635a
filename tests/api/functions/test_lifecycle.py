"""Clock-driven behaviour on a private server: Event invocations retried twice on error (1 and 2
minutes apart, also across a restart), and idle environments reaped."""

from __future__ import annotations

from typing import Any

import pytest
from functions_support import Factory, call, wait_until
from server_support import Server, client, start_server

pytestmark = pytest.mark.local_only

FAILS = "def handler(e, c):\n    print('attempt', e['id'])\n    raise RuntimeError('no')\n"


@pytest.fixture(scope="module")
def plam(private: Server) -> Any:
    return client("lambda", private.url)


@pytest.fixture
def pfunction(plam: Any) -> Any:
    factory = Factory(plam)
    yield factory
    factory.cleanup()


def attempts(logs: Any, name: str) -> int:
    try:
        found = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}",
                                       filterPattern="attempt")["events"]
    except logs.exceptions.ResourceNotFoundException:
        return 0
    return len(found)


def test_event_invocations_are_retried_twice(private: Server, plam: Any,
                                             pfunction: Factory) -> None:
    logs = client("logs", private.url)
    name = pfunction(FAILS)
    assert plam.invoke(FunctionName=name, InvocationType="Event",
                       Payload=b'{"id": 1}')["StatusCode"] == 202
    assert wait_until(lambda: attempts(logs, name) == 1)
    private.advance(61)
    assert wait_until(lambda: attempts(logs, name) == 2)
    private.advance(121)
    assert wait_until(lambda: attempts(logs, name) == 3)
    private.advance(600)
    assert not wait_until(lambda: attempts(logs, name) > 3, timeout=1.5)


def test_successful_event_runs_once(private: Server, plam: Any, pfunction: Factory) -> None:
    logs = client("logs", private.url)
    name = pfunction("def handler(e, c):\n    print('attempt', e['id'])\n")
    plam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": 2}')
    assert wait_until(lambda: attempts(logs, name) == 1)
    private.advance(200)
    assert not wait_until(lambda: attempts(logs, name) > 1, timeout=1.0)


def test_idle_environment_is_reaped(private: Server, plam: Any, pfunction: Factory) -> None:
    name = pfunction("import os\ndef handler(e, c):\n    return os.getpid()\n")
    first, _ = call(plam, name)
    assert call(plam, name)[0] == first
    private.advance(301)
    assert wait_until(lambda: not _alive(first), timeout=5)
    assert call(plam, name)[0] != first


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except OSError:
        return False


def test_queued_events_survive_a_restart(tmp_path: Any) -> None:
    # The event waits in the queue for its retry, a minute of clock time after the failed
    # first attempt. (Reserved concurrency 0 no longer holds events: they are discarded.)
    server = start_server("--data-dir", str(tmp_path))
    try:
        lam = client("lambda", server.url)
        logs = client("logs", server.url)
        name = Factory(lam)(FAILS)
        lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": 3}')
        assert wait_until(lambda: attempts(logs, name) == 1)
    finally:
        server.stop()
    server = start_server("--data-dir", str(tmp_path))
    try:
        logs = client("logs", server.url)
        assert attempts(logs, name) == 1
        server.advance(61)
        assert wait_until(lambda: attempts(logs, name) == 2)
    finally:
        server.stop()
