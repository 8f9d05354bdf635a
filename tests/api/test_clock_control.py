"""The virtual clock's control endpoint and `headwater clock`: forward only, never past year
9999, `set` supported (forward only), anything else refused with a 400, never ignored."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import urllib3
from server_support import Server, serving

pytestmark = pytest.mark.local_only

LIMIT = 253402300799.0  # 9999-12-31T23:59:59Z


@pytest.fixture(scope="module")
def private() -> Iterator[Server]:
    """A server of this module's own: these tests move its clock."""
    yield from serving("--in-memory")


def post(server: Server, body: bytes) -> tuple[int, dict[str, object]]:
    response = urllib3.request("POST", f"{server.url}/_headwater/clock", body=body)
    return response.status, orjson.loads(response.data)


def test_advance_and_set_move_forward(private: Server) -> None:
    before = private.now()
    status, answer = post(private, b'{"advance": 60}')
    assert status == 200
    assert float(answer["now"]) >= before + 60  # type: ignore[arg-type]
    target = float(answer["now"]) + 3600  # type: ignore[arg-type]
    status, answer = post(private, orjson.dumps({"set": target}))
    assert status == 200
    assert target <= float(answer["now"]) < target + 60  # type: ignore[arg-type]


@pytest.mark.parametrize(("body", "message"), [
    (b'{"advance": -1}', "the clock never moves back (it is at "),
    (b'{"set": 0}', "the clock never moves back (it is at "),
    (b'{"advance": 1e300}', "the clock cannot move past 9999-12-31T23:59:59Z"),
    (orjson.dumps({"set": LIMIT + 1}), "the clock cannot move past 9999-12-31T23:59:59Z"),
    (b'{"advance": "soon"}', "advance must be a number"),
    (b'{"set": true}', "set must be a number"),
    (b'{"advance": NaN}', "the body must be a JSON object"),
    (b'{"rewind": 5}', 'give one of {"advance": seconds} or {"set": epoch seconds}'),
    (b'{"advance": 1, "set": 2}', 'give one of {"advance": seconds} or {"set": epoch seconds}'),
    (b"{}", 'give one of {"advance": seconds} or {"set": epoch seconds}'),
    (b"[1]", 'give one of {"advance": seconds} or {"set": epoch seconds}'),
    (b"{", "the body must be a JSON object"),
])
def test_refused_moves_are_a_clear_400_and_leave_the_clock(private: Server, body: bytes,
                                                           message: str) -> None:
    before = private.clock.http.request("GET", f"{private.url}/_headwater/clock")
    offset = orjson.loads(before.data)["offset"]
    status, answer = post(private, body)
    assert status == 400
    assert str(answer["message"]).startswith(message), answer
    after = orjson.loads(urllib3.request("GET", f"{private.url}/_headwater/clock").data)
    assert after["offset"] == offset


def headwater_clock(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "headwater", "clock", "--endpoint", server.url,
                           *args], capture_output=True, text=True, timeout=60)


def test_the_clock_command_prints_and_moves_it(private: Server) -> None:
    shown = headwater_clock(private)
    assert shown.returncode == 0, shown.stderr
    stamp, epoch, *_ = shown.stdout.split()
    assert stamp.endswith("Z") and abs(float(epoch) - private.now()) < 60
    moved = headwater_clock(private, "--advance", "86400")
    assert moved.returncode == 0, moved.stderr
    assert float(moved.stdout.split()[1]) >= float(epoch) + 86400
    back = headwater_clock(private, "--set", "0")
    assert back.returncode == 1
    assert back.stderr.startswith("headwater: the clock never moves back (it is at ")
    assert back.stdout == ""


def test_the_clock_command_signs_for_a_server_with_credentials(tmp_path: Path) -> None:
    keys = tmp_path / "credentials"
    keys.write_text("[alice]\naws_access_key_id = AKIDALICE\n"
                    "aws_secret_access_key = alice-secret\n")
    keys.chmod(0o600)
    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    for server in serving("--in-memory", "--credentials", str(keys)):
        command = [sys.executable, "-m", "headwater", "clock", "--endpoint", server.url,
                   "--advance", "10"]
        dummy = subprocess.run(command, capture_output=True, text=True, timeout=60,
                                  env={**base, "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"})
        assert dummy.returncode == 1
        # The dummy key signs: the server knows no such key.
        assert dummy.stderr == (
            "headwater: The security token included in the request is invalid.\n")
        signed = subprocess.run(command + ["--profile", "alice"], capture_output=True,
                                text=True, timeout=60,
                                env={**base, "AWS_SHARED_CREDENTIALS_FILE": str(keys),
                                     "AWS_CONFIG_FILE": "/nonexistent"})
        assert signed.returncode == 0, signed.stderr
