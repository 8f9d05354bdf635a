"""Which Python runs a function: `python3.X` from PATH when it really starts, resolved once to
its real executable (so workers skip shims); a pyenv shim for a version that is installed but not
selected is asked again with PYENV_VERSION set to that version. Otherwise the server's Python."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

from headwater.functions.node_runtimes import NODE_RUNTIMES

PYTHON_RUNTIMES = tuple(f"python3.{minor}" for minor in range(9, 15))
PROVIDED_RUNTIMES = ("provided.al2", "provided.al2023")
RUNTIMES = PYTHON_RUNTIMES + NODE_RUNTIMES + PROVIDED_RUNTIMES
PROBE = "import sys; print(sys.executable)"


@dataclass(frozen=True, slots=True)
class Interpreter:
    path: str
    matches_runtime: bool

    def describe(self, runtime: str) -> str:
        if self.matches_runtime:
            return f"{runtime} runs on {self.path}"
        return f"no working {runtime} on PATH; runs on the server's Python {self.path}"


@functools.cache
def python_for(runtime: str) -> Interpreter:
    found = shutil.which(runtime)
    if found:
        path = _probe(found, None)
        if path is None:
            version = _pyenv_version(runtime)
            path = _probe(found, version) if version else None
        if path:
            return Interpreter(path, True)
    return Interpreter(sys.executable, False)


def _probe(command: str, pyenv_version: str | None) -> str | None:
    env = dict(os.environ)
    if pyenv_version:
        env["PYENV_VERSION"] = pyenv_version
    try:
        done = subprocess.run([command, "-c", PROBE], capture_output=True, text=True, timeout=10,
                              check=False, env=env)
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = done.stdout.strip()
    return path if done.returncode == 0 and path else None


def _pyenv_version(runtime: str) -> str | None:
    """The newest installed pyenv version for python3.X, when pyenv is there."""
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return None
    try:
        done = subprocess.run([pyenv, "versions", "--bare"], capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    prefix = runtime.removeprefix("python") + "."
    versions = [v.strip() for v in done.stdout.splitlines() if v.strip().startswith(prefix)]
    if not versions:
        return None
    return max(versions, key=lambda v: [int(p) if p.isdigit() else 0 for p in v.split(".")])
