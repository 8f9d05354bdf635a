"""One server per data directory: a second `headwater serve` on a data directory in use ends
at once with a one-line error naming the running server's PID (two servers on one directory
delivered every trigger twice and collided on stream sequence numbers). The lock dies with its
holder, SIGKILL included; --in-memory servers take none."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from server_support import Server, client, start_server


def _second(data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "headwater", "serve", "--port", "0", "--data-dir", str(data)],
        capture_output=True, text=True, timeout=30)


def test_second_server_on_the_same_data_dir_ends_at_once(servers: list[Server],
                                                         tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = start_server("--data-dir", str(data))
    servers.append(first)
    second = _second(data)
    assert second.returncode == 1
    assert second.stdout == ""
    assert second.stderr == (
        f"headwater: the data directory {data} is in use by another headwater server "
        f"(PID {first.process.pid})\n")
    # The first server is untouched.
    ddb = client("dynamodb", first.url)
    assert ddb.list_tables()["TableNames"] == []


def test_lock_is_released_on_stop_and_on_sigkill(servers: list[Server], tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = start_server("--data-dir", str(data))
    first.stop()
    second = start_server("--data-dir", str(data))
    second.kill()
    third = start_server("--data-dir", str(data))
    servers.append(third)
    assert client("dynamodb", third.url).list_tables()["TableNames"] == []


def test_in_memory_servers_take_no_lock(servers: list[Server], tmp_path: Path) -> None:
    servers.append(start_server("--in-memory", "--data-dir", str(tmp_path)))
    servers.append(start_server("--in-memory", "--data-dir", str(tmp_path)))
    assert not any(tmp_path.iterdir())


def test_unusable_data_dir_is_a_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = _second(blocker / "data")
    assert result.returncode == 1
    assert result.stderr.startswith(f"headwater: cannot use the data directory {blocker}/data: ")
    assert result.stderr.count("\n") == 1
