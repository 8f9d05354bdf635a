"""functions/runtime_sdk.py: the cache of each runtime's pinned SDK. pip is replaced by a fake
that writes a package into --target slowly, so that concurrent first uses overlap: processes
installing one set at once run pip once and all get the whole directory; a failed install
leaves nothing behind and says why."""

from __future__ import annotations

import asyncio
import multiprocessing
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from headwater.functions import runtime_sdk
from headwater.functions.interpreters import PYTHON_RUNTIMES
from headwater.functions.runtime_sdk import (
    SDK_RELEASES,
    RuntimeSdks,
    SdkInstallError,
    cache_root,
    install,
    sdk_dir,
)


class FakePip:
    """subprocess.run for `pip install --target DIR`: writes DIR/boto3/__init__.py in two steps
    with a pause between, and appends a line to `calls` (a file: forked processes share it)."""

    def __init__(self, calls: Path, fail: str | None = None) -> None:
        self.calls = calls
        self.fail = fail

    def __call__(self, command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        with open(self.calls, "a") as file:
            file.write(" ".join(command) + "\n")
        if self.fail is not None:
            return subprocess.CompletedProcess(command, 1, "", self.fail)
        target = Path(command[command.index("--target") + 1])
        (target / "boto3").mkdir(parents=True)
        time.sleep(0.3)
        (target / "boto3" / "__init__.py").write_text("__version__ = 'fake'\n")
        return subprocess.CompletedProcess(command, 0, "", "")


def _install_in_child(root: Path, calls: Path, results: Any) -> None:
    runtime_sdk.subprocess.run = FakePip(calls)  # type: ignore[assignment]
    path = install("python3.12", root)
    results.put((str(path), (path / "boto3" / "__init__.py").read_text()))


def test_concurrent_first_uses_install_once(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    calls = tmp_path / "calls"
    children = [context.Process(target=_install_in_child, args=(tmp_path, calls, results))
                for _ in range(4)]
    for child in children:
        child.start()
    for child in children:
        child.join(30)
        assert child.exitcode == 0
    got = {results.get(timeout=5) for _ in children}
    target = sdk_dir(tmp_path, SDK_RELEASES["python3.12"])
    assert got == {(str(target), "__version__ = 'fake'\n")}
    assert len(calls.read_text().splitlines()) == 1
    leftovers = [p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_the_pip_command_pins_everything_for_the_runtime_s_python(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = tmp_path / "calls"
    monkeypatch.setattr(runtime_sdk.subprocess, "run", FakePip(calls))
    install("python3.9", tmp_path)
    command = calls.read_text().split()
    assert command[command.index("--python-version") + 1] == "3.9"
    assert {"--no-deps", "--only-binary=:all:"} <= set(command)
    assert command[-7:] == list(SDK_RELEASES["python3.9"].requirements)
    install("python3.9", tmp_path)  # now cached: pip is not run again
    assert len(calls.read_text().splitlines()) == 1


def test_a_failed_install_says_why_and_leaves_nothing(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    pip = FakePip(tmp_path / "calls", fail="WARNING: x\nERROR: No matching distribution found "
                  "for boto3==1.44.8\n")
    monkeypatch.setattr(runtime_sdk.subprocess, "run", pip)
    root = tmp_path / "cache"
    with pytest.raises(SdkInstallError, match="^No matching distribution found for "
                       "boto3==1.44.8$"):
        install("python3.13", root)
    assert [p.name for p in (root / "runtime-sdk").iterdir() if not p.name.endswith(".lock")] \
        == []


def test_a_failed_install_is_remembered_then_retried(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[str] = []

    def flaky(runtime: str, root: Path, interpreter: str | None = None) -> Path:
        attempts.append(runtime)
        if len(attempts) == 1:
            raise SdkInstallError("offline")
        return tmp_path

    monkeypatch.setattr(runtime_sdk, "install", flaky)
    sdks = RuntimeSdks(tmp_path)

    async def scenario() -> list[Any]:
        first = await asyncio.gather(*(sdks.get("python3.12") for _ in range(3)))
        again = await sdks.get("python3.12")  # within RETRY_AFTER: the same failure
        monkeypatch.setattr(runtime_sdk, "RETRY_AFTER", 0.0)
        later = await sdks.get("python3.12")
        return [*first, again, later, await sdks.get("provided.al2023")]

    *failed, later, provided = asyncio.run(scenario())
    assert {sdk.path for sdk in failed} == {None}
    assert all(sdk.error and sdk.error.endswith(": offline") for sdk in failed)
    assert later is not None and later.path == tmp_path
    assert provided is None
    assert attempts == ["python3.12", "python3.12"]


def test_every_python_runtime_has_a_whole_pinned_set() -> None:
    assert set(SDK_RELEASES) == set(PYTHON_RUNTIMES)
    for release in SDK_RELEASES.values():
        names = [requirement.partition("==")[0] for requirement in release.requirements]
        assert sorted(names) == sorted(["boto3", "botocore", "s3transfer", "jmespath",
                                        "python-dateutil", "six", "urllib3"])
        assert release.version_of("botocore") == release.boto3  # released together
    assert SDK_RELEASES["python3.9"].version_of("urllib3").startswith("1.26.")
    assert len({release.key for release in SDK_RELEASES.values()}) == 2


def test_the_cache_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HEADWATER_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "headwater"
    monkeypatch.setenv("HEADWATER_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_root() == tmp_path / "mine"
