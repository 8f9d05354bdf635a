"""Which Python runs a function: `python3.X` from PATH when it really starts (pyenv shims for
versions not selected fail), resolved once to its real executable; else the server's Python."""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
from dataclasses import dataclass

PYTHON_RUNTIMES = tuple(f"python3.{minor}" for minor in range(9, 15))
PROVIDED_RUNTIMES = ("provided.al2", "provided.al2023")
RUNTIMES = PYTHON_RUNTIMES + PROVIDED_RUNTIMES


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
        try:
            done = subprocess.run(
                [found, "-c", "import sys; print(sys.executable)"],
                capture_output=True, text=True, timeout=10, check=False,
            )
            path = done.stdout.strip()
            if done.returncode == 0 and path:
                return Interpreter(path, True)
        except (OSError, subprocess.TimeoutExpired):
            pass
    return Interpreter(sys.executable, False)
