"""The AWS SDK a Python Lambda runtime ships. On AWS, /var/runtime holds boto3, botocore and
their dependencies, on sys.path after the function's own code and layers, so handlers can call
AWS without bundling it; nothing else is there (no `requests`). Headwater gives each python3.X
runtime a pinned copy of that SDK (SDK_RELEASES), never the server's own packages: pip installs
it from PyPI on first use into Headwater's cache (cache_root(), one directory per pinned set,
shared by every server on the machine), and a filled cache is used offline.

Concurrent first uses (two servers, or two runtimes with the same set) are safe: the install
runs under a file lock into a temporary directory that is renamed into place when complete, so
a directory that exists is whole. The cache directory also holds compiled bytecode for each
interpreter that runs the set (workers run with -B and never write it themselves).

AWS does not publish the exact SDK version per runtime any more ("depends on the runtime version
and your AWS Region", Lambda developer guide, Runtime-included SDK versions); the pins are
plausible, not confirmed: docs/runtimes.md says how they were chosen."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from headwater.functions.cache_lock import locked
from headwater.functions.interpreters import PYTHON_RUNTIMES, python_for

log = logging.getLogger("headwater.functions")

# The import names the SDK provides: a handler whose import of one of these fails while the
# SDK could not be installed is told why (bootstrap.py).
SDK_MODULES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
CACHE_ENV = "HEADWATER_CACHE_DIR"
# A failed install is tried again by the next environment to start after this many seconds.
RETRY_AFTER = 60.0
PIP_TIMEOUT = 900.0


@dataclass(frozen=True, slots=True)
class SdkRelease:
    """One pinned SDK: exact versions of boto3 and everything it imports (installed with
    --no-deps, so nothing floats)."""

    requirements: tuple[str, ...]

    @property
    def boto3(self) -> str:
        return self.version_of("boto3")

    def version_of(self, name: str) -> str:
        for requirement in self.requirements:
            package, _, version = requirement.partition("==")
            if package == name:
                return version
        raise KeyError(name)

    @property
    def key(self) -> str:
        """The cache directory's name: the boto3 version and a digest of the whole set."""
        digest = hashlib.sha256("\n".join(self.requirements).encode()).hexdigest()[:12]
        return f"boto3-{self.boto3}-{digest}"


# boto3 1.43.0 dropped Python 3.9 (Requires-Python >=3.10): python3.9 keeps the last release
# that supports it, with urllib3 1.26 as botocore requires below Python 3.10.
PYTHON39 = SdkRelease((
    "boto3==1.42.97", "botocore==1.42.97", "s3transfer==0.16.1", "jmespath==1.1.0",
    "python-dateutil==2.9.0.post0", "six==1.17.0", "urllib3==1.26.20"))
# A recent release for the maintained runtimes (AWS updates them together).
CURRENT = SdkRelease((
    "boto3==1.44.8", "botocore==1.44.8", "s3transfer==0.19.3", "jmespath==1.1.0",
    "python-dateutil==2.9.0.post0", "six==1.17.0", "urllib3==2.8.0"))
SDK_RELEASES: dict[str, SdkRelease] = {
    runtime: PYTHON39 if runtime == "python3.9" else CURRENT for runtime in PYTHON_RUNTIMES}


class SdkInstallError(Exception):
    """pip could not install a runtime's SDK; the message says why, in one line."""


def cache_root() -> Path:
    """Headwater's cache: $HEADWATER_CACHE_DIR, else $XDG_CACHE_HOME/headwater, else
    ~/.cache/headwater."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser().absolute()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser().absolute() / "headwater"


def sdk_dir(root: Path, release: SdkRelease) -> Path:
    return root / "runtime-sdk" / release.key


def install(runtime: str, root: Path, interpreter: str | None = None) -> Path:
    """The directory holding `runtime`'s SDK, installed by pip if the cache lacks it, and
    compiled for `interpreter` (the Python that runs the runtime) if it is not yet. Blocking;
    raises SdkInstallError."""
    release = SDK_RELEASES[runtime]
    target = sdk_dir(root, release)
    if not target.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
        with locked(target.parent / f".{release.key}.lock"):
            if not target.is_dir():  # another process may have finished while we waited
                _pip_install(release, runtime, target)
    if interpreter is not None:
        _compile(target, interpreter)
    return target


def _pip_install(release: SdkRelease, runtime: str, target: Path) -> None:
    started = time.monotonic()
    log.warning("installing the %s runtime's AWS SDK (boto3 %s) into %s (once)", runtime,
                release.boto3, target)
    staging = target.parent / f".{release.key}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "--no-input", "--no-deps", "--only-binary=:all:", "--no-compile",
               "--python-version", runtime.removeprefix("python"), "--target", str(staging),
               *release.requirements]
    try:
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False,
                                  timeout=PIP_TIMEOUT, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise SdkInstallError(f"pip did not run: {error}") from None
        if done.returncode != 0:
            raise SdkInstallError(_pip_reason(done.stderr or done.stdout))
        _readable(staging)
        (staging / "headwater-sdk.json").write_text(json.dumps(
            {"runtime": runtime, "requirements": list(release.requirements)}, indent=1) + "\n")
        try:
            os.rename(staging, target)
        except OSError:
            if not target.is_dir():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.warning("installed boto3 %s for %s in %.1f s", release.boto3, runtime,
                time.monotonic() - started)


def _pip_reason(output: str) -> str:
    """pip's ERROR lines (else its last line), joined into one."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line.removeprefix("ERROR: ") for line in lines if line.startswith("ERROR:")]
    chosen = errors or lines[-1:] or ["pip failed without a message"]
    return " ".join(chosen)[:1000]


def _readable(directory: Path) -> None:
    """Everyone may read the SDK (workers isolated under user ids of their own), whatever the
    umask was."""
    for folder, dirs, files in os.walk(directory):
        os.chmod(folder, 0o755)
        for name in files:
            path = os.path.join(folder, name)
            os.chmod(path, os.stat(path).st_mode | 0o444)


# Compiles the SDK for the interpreter running this, once: a marker per bytecode tag.
_COMPILE = """
import compileall, os, sys
d = sys.argv[1]
marker = os.path.join(d, ".compiled-" + str(sys.implementation.cache_tag))
if not os.path.exists(marker):
    compileall.compile_dir(d, quiet=2)
    open(marker, "w").close()
"""


def _compile(target: Path, interpreter: str) -> None:
    """Bytecode for `interpreter` (written atomically by py_compile, so concurrent compiles of
    one directory are harmless); a failure only makes imports slower."""
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        subprocess.run([interpreter, "-I", "-S", "-c", _COMPILE, str(target)],
                       capture_output=True, timeout=PIP_TIMEOUT, check=False,
                       stdin=subprocess.DEVNULL)


def install_all(root: Path | None = None) -> dict[str, Path]:
    """Fill the cache for every Python runtime (`headwater runtimes --install`, test set-up)."""
    root = root or cache_root()
    return {runtime: install(runtime, root, python_for(runtime).path)
            for runtime in PYTHON_RUNTIMES}


def runtime_table(root: Path) -> list[str]:
    """`headwater runtimes`: what runs each runtime on this machine, and its SDK."""
    from headwater.functions.interpreters import PROVIDED_RUNTIMES
    from headwater.functions.node_runtimes import NODE_RUNTIMES, node_for
    from headwater.functions.node_sdk import PINS, NodeSdk

    rows = [("RUNTIME", "RUNS ON", "AWS SDK", "CACHED")]
    for runtime in PYTHON_RUNTIMES:
        interpreter = python_for(runtime)
        where = interpreter.path if interpreter.matches_runtime else (
            f"the server's Python {interpreter.path} (no {runtime} on PATH)")
        release = SDK_RELEASES[runtime]
        cached = "yes" if sdk_dir(root, release).is_dir() else "no (installed on first use)"
        rows.append((runtime, where, f"boto3 {release.boto3}", cached))
    node_sdk = NodeSdk(root)
    for runtime in NODE_RUNTIMES:
        node = node_for(runtime)
        if node is None:
            rows.append((runtime, "refused: no node of that version or newer on PATH", "-", "-"))
            continue
        cached = ("yes" if (node_sdk.directory(runtime) / "node_modules").is_dir()
                  else "no (installed on first use)")
        rows.append((runtime, node.describe(runtime).split(" runs on ", 1)[-1],
                     f"JavaScript v3 (npm before {PINS[runtime]})", cached))
    for runtime in PROVIDED_RUNTIMES:
        rows.append((runtime, "the package's bootstrap executable", "-", "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3]
             for row in rows]
    return [*lines, f"SDK cache: {root / 'runtime-sdk'} (Python), {node_sdk.root} (Node.js)"]


@dataclass(frozen=True, slots=True)
class Sdk:
    """A runtime's SDK for a worker: its directory, or why it could not be installed."""

    path: Path | None
    error: str | None = None
    at: float = 0.0


class RuntimeSdks:
    """The server's view of the cache: each runtime's SDK made ready once per process, off the
    event loop; concurrent first uses wait for the same install."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._ready: dict[str, Sdk] = {}
        self._running: dict[str, asyncio.Task[Sdk]] = {}

    def prepare(self, runtime: str) -> None:
        """Start making `runtime`'s SDK ready (CreateFunction), without waiting."""
        if runtime in SDK_RELEASES and runtime not in self._ready:
            self._start(runtime)

    async def get(self, runtime: str) -> Sdk | None:
        """`runtime`'s SDK (None for a runtime without one: provided.*)."""
        if runtime not in SDK_RELEASES:
            return None
        known = self._ready.get(runtime)
        if known is not None and (known.path.is_dir() if known.path is not None
                                  else time.monotonic() - known.at < RETRY_AFTER):
            return known  # (a cache deleted under a running server is installed again)
        return await asyncio.shield(self._start(runtime))

    def _start(self, runtime: str) -> asyncio.Task[Sdk]:
        task = self._running.get(runtime)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._install(runtime))
            self._running[runtime] = task
        return task

    async def _install(self, runtime: str) -> Sdk:
        try:
            path = await asyncio.to_thread(self._install_blocking, runtime)
            sdk = Sdk(path)
        except (SdkInstallError, OSError) as error:
            release = SDK_RELEASES[runtime]
            reason = (f"Headwater could not install the {runtime} runtime's AWS SDK "
                      f"(boto3 {release.boto3}) into {sdk_dir(self.root, release)}: {error}")
            log.error("%s", reason)
            sdk = Sdk(None, reason, time.monotonic())
        self._ready[runtime] = sdk
        self._running.pop(runtime, None)
        return sdk

    def _install_blocking(self, runtime: str) -> Path:
        return install(runtime, self.root, python_for(runtime).path)
