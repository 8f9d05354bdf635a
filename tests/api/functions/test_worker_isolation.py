"""What a handler can reach when the server runs as root: not the database, the data directory,
the credentials file, another function's code, another worker's environment or /tmp, nor the
server's home. (Without root, workers run as the server's user; the README says what they can
reach then.) The data directory is 0700 and the database and credentials file 0600 either way."""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from functions_support import ROLE, RUNTIME, call, handler_zip, new_name
from server_support import Server, serving
from worker_procs import processes_of

PROBE = """
import os
def handler(event, context):
    found = {}
    for path in event.get("read", []):
        try:
            with open(path, "rb") as file:
                found[path] = f"read {len(file.read())} bytes"
        except OSError as error:
            found[path] = type(error).__name__
    for path in event.get("list", []):
        try:
            found[path] = sorted(os.listdir(path))
        except OSError as error:
            found[path] = type(error).__name__
    if event.get("write"):
        with open(event["write"], "w") as file:
            file.write("mine")
    found["uid"] = os.getuid()
    return found
"""
DENIED = ("PermissionError", "FileNotFoundError")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("isolation") / "data"


@pytest.fixture(scope="module")
def credentials(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("isolation-auth") / "credentials"
    path.write_text("[test]\naws_access_key_id = AKIDTEST\naws_secret_access_key = secret\n")
    path.chmod(0o644)
    return path


@pytest.fixture(scope="module")
def guarded(data_dir: Path, credentials: Path) -> Iterator[Server]:
    yield from serving("--data-dir", str(data_dir), "--credentials", str(credentials))


def _function(lam: Any) -> tuple[str, Path]:
    name = new_name()
    sha = lam.create_function(FunctionName=name, Runtime=RUNTIME, Role=ROLE,
                              Handler="app.handler", Timeout=30,
                              Code={"ZipFile": handler_zip(PROBE + f"# {name}\n")})["CodeSha256"]
    return name, Path("functions") / base64.b64decode(sha).hex()


def test_data_dir_database_and_credentials_are_owner_only(guarded: Server, data_dir: Path,
                                                          credentials: Path) -> None:
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    for path in data_dir.glob("headwater.sqlite3*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600


@pytest.mark.skipif(os.geteuid() != 0, reason="workers are isolated only when the server is root")
def test_a_handler_cannot_read_the_server_s_secrets(guarded: Server, data_dir: Path,
                                                    credentials: Path) -> None:
    lam = guarded.client("lambda")
    mine, my_code = _function(lam)
    other, other_code = _function(lam)
    call(lam, other, {"write": "/tmp/other-secret"})
    other_worker = next(iter(processes_of(other)))
    found, response = call(lam, mine, {
        "read": [str(data_dir / "headwater.sqlite3"), str(credentials),
                 str(data_dir / other_code / "app.py"), f"/proc/{other_worker}/environ",
                 f"/proc/{guarded.process.pid}/environ", "/tmp/other-secret",
                 str(data_dir / my_code / "app.py")],
        "list": [str(data_dir), str(data_dir / "functions"), "/root", "/tmp", ".."]})
    assert "FunctionError" not in response, found
    assert found.pop("uid") not in (0, os.getuid())
    assert found.pop(str(data_dir / my_code / "app.py")).startswith("read ")
    listed_tmp = found.pop("/tmp")
    assert "other-secret" not in listed_tmp
    for path, outcome in found.items():
        assert outcome in DENIED or outcome == [], (path, outcome)
