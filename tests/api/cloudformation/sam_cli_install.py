"""aws-sam-cli for test_sam_cli.py, installed from PyPI (pinned) into a venv of its own in
Headwater's cache (`$HEADWATER_CACHE_DIR`, else ~/.cache/headwater: test-tools/sam-VERSION), under
a file lock, and reused once complete (a `.complete` marker: a half-made venv is made again).
About 2.5 minutes and 340 MB the first time. CI runs this file before `make test`
(`python tests/api/cloudformation/sam_cli_install.py`) so the test finds it installed."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys
from pathlib import Path

from headwater.functions.runtime_sdk import cache_root

SAM_VERSION = "1.170.0"
INSTALL_TIMEOUT = 1200.0


class SamUnavailable(Exception):
    """aws-sam-cli could not be installed; the message says why."""


def sam_dir(root: Path | None = None) -> Path:
    return (root or cache_root()) / "test-tools" / f"sam-{SAM_VERSION}"


def install(root: Path | None = None) -> Path:
    """The `sam` executable, installing it first when it is not yet complete."""
    target = sam_dir(root)
    sam = target / "bin" / "sam"
    marker = target / ".complete"
    if marker.exists():
        return sam
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".sam-{SAM_VERSION}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists():
            return sam
        shutil.rmtree(target, ignore_errors=True)
        for command in ([sys.executable, "-m", "venv", str(target)],
                        [str(target / "bin" / "python"), "-m", "pip", "install", "-q",
                         "--disable-pip-version-check", f"aws-sam-cli=={SAM_VERSION}"]):
            try:
                done = subprocess.run(command, capture_output=True, text=True,
                                      timeout=INSTALL_TIMEOUT)
            except (OSError, subprocess.TimeoutExpired) as error:
                raise SamUnavailable(f"{' '.join(command[:3])}: {error}") from None
            if done.returncode != 0:
                lines = [line for line in (done.stderr or done.stdout).splitlines()
                         if line.strip() and not line.startswith("WARNING")]
                raise SamUnavailable(f"`{' '.join(command[2:])}` failed: "
                                     f"{lines[-1] if lines else done.returncode}")
        marker.touch()
    return sam


if __name__ == "__main__":
    try:
        print(install())
    except SamUnavailable as error:
        print(f"aws-sam-cli not installed: {error}", file=sys.stderr)
        sys.exit(1)
