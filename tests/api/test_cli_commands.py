"""The `headwater` command line's rough edges: -h, `headwater reset`, and a busy port as a
one-line error (an unusable --data-dir: tests/api/test_data_dir_lock.py)."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_support import Server, client, start_server

pytestmark = pytest.mark.local_only


def headwater(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "headwater", *args], capture_output=True,
                          text=True, timeout=60, cwd=cwd)


@pytest.mark.parametrize("command", [[], ["serve"], ["logs"], ["stream"], ["clock"], ["reset"]])
def test_dash_h_is_help(command: list[str]) -> None:
    short, long = headwater(*command, "-h"), headwater(*command, "--help")
    assert short.returncode == 0, short.stderr
    assert short.stdout == long.stdout
    assert short.stdout.startswith("Usage: ")


def test_region_and_profile_options_are_offered() -> None:
    for command in ("logs", "stream"):
        text = headwater(command, "-h").stdout
        assert "--region" in text and "AWS_DEFAULT_REGION" in text and "--profile" in text


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def test_reset_deletes_a_stopped_server_s_state(tmp_path: Path, servers: list[Server]) -> None:
    data = tmp_path / "data"
    first = start_server("--data-dir", str(data))
    client("sqs", first.url).create_queue(QueueName="kept-until-reset")
    first.stop()
    result = headwater("reset", "--data-dir", str(data))
    assert (result.returncode, result.stdout, result.stderr) == (0, f"{data}: state deleted\n", "")
    second = start_server("--data-dir", str(data))
    servers.append(second)
    assert client("sqs", second.url).list_queues().get("QueueUrls", []) == []


def test_reset_refuses_while_the_server_runs(tmp_path: Path, servers: list[Server]) -> None:
    data = tmp_path / "data"
    running = start_server("--data-dir", str(data))
    servers.append(running)
    client("sqs", running.url).create_queue(QueueName="still-here")
    result = headwater("reset", "--data-dir", str(data))
    assert result.returncode == 1
    assert result.stderr == (f"headwater: the data directory {data} is in use by another "
                             f"headwater server (PID {running.process.pid}): stop it first\n")
    assert len(client("sqs", running.url).list_queues()["QueueUrls"]) == 1


def test_reset_of_a_missing_directory_is_nothing_to_do(tmp_path: Path) -> None:
    result = headwater("reset", "--data-dir", str(tmp_path / "none"))
    assert (result.returncode, result.stdout) == (0, f"{tmp_path / 'none'}: nothing to reset\n")
    assert not (tmp_path / "none").exists()


def test_a_busy_port_is_a_one_line_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = headwater("serve", "--in-memory", "--port", str(port))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"headwater: cannot listen on 127.0.0.1:{port}: ")
    assert result.stderr.count("\n") == 1
