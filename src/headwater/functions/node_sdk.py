"""The AWS SDK for JavaScript v3 that AWS's nodejs18.x+ runtimes ship in /var/runtime/node_modules.

Headwater installs it from the npm registry into its own cache on first use (never the host's
global packages), once per pin, and workers resolve it after the function's own node_modules:
through NODE_PATH for `require`, and through a resolve hook (node/sdk_resolver.mjs) for `import`.

The pin is a registry date (`npm install --before`): every package takes its newest 3.x release
published before it, so an install is reproducible while the set of packages stays coherent (the
v3 packages do not all publish every version number). AWS ships every client; Headwater ships the
clients a stream-trigger handler uses (PACKAGES); a handler importing another one bundles it, as
it would for a newer version on AWS.

An install is one `npm install` into a temporary directory renamed into place, under a file lock,
so concurrent servers never see half an SDK. If npm is missing or fails, the worker starts without
the SDK and the function's log says why; an import of it then fails as a missing module does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from headwater.functions.cache_lock import locked

log = logging.getLogger("headwater.functions")

# The registry date each runtime's SDK is pinned to (newest 3.x release published before it).
PINS = {
    "nodejs18.x": "2025-09-01",
    "nodejs20.x": "2026-02-01",
    "nodejs22.x": "2026-02-01",
    "nodejs24.x": "2026-02-01",
    "nodejs26.x": "2026-02-01",
}
PACKAGES = (
    "@aws-sdk/client-dynamodb", "@aws-sdk/lib-dynamodb", "@aws-sdk/util-dynamodb",
    "@aws-sdk/client-dynamodb-streams", "@aws-sdk/client-lambda", "@aws-sdk/client-sqs",
    "@aws-sdk/client-sns", "@aws-sdk/client-s3", "@aws-sdk/client-cloudwatch",
    "@aws-sdk/client-cloudwatch-logs", "@aws-sdk/client-sts", "@aws-sdk/client-iam",
    "@aws-sdk/client-eventbridge", "@aws-sdk/client-kinesis", "@aws-sdk/client-ssm",
    "@aws-sdk/client-secrets-manager", "@aws-sdk/credential-providers",
)
INSTALL_TIMEOUT = 600.0


@dataclass(frozen=True, slots=True)
class Installed:
    """Where the SDK is (the directory holding node_modules), or why it is not."""
    root: Path | None
    problem: str | None = None


class NodeSdk:
    def __init__(self, root: Path) -> None:
        """`root`: Headwater's cache (runtime_sdk.cache_root())."""
        self.root = root / "node-sdk"
        self._installs: dict[str, asyncio.Future[Installed]] = {}

    def directory(self, runtime: str) -> Path:
        return self.root / f"v3-before-{PINS[runtime]}"

    def prefetch(self, runtime: str) -> None:
        """Start installing `runtime`'s SDK in the background (CreateFunction calls this)."""
        if runtime in PINS:
            with contextlib.suppress(RuntimeError):  # no running loop: the first start installs
                self._future(runtime)

    async def ensure(self, runtime: str) -> Installed:
        """`runtime`'s SDK, installed if it is not yet; never raises."""
        return await asyncio.shield(self._future(runtime))

    def _future(self, runtime: str) -> asyncio.Future[Installed]:
        pin = PINS[runtime]
        future = self._installs.get(pin)
        if future is None or (future.done() and future.result().root is None):
            target = self.directory(runtime)
            future = asyncio.ensure_future(asyncio.to_thread(install, target, pin))
            self._installs[pin] = future
        return future


def install(target: Path, pin: str) -> Installed:
    """Install the SDK into `target` unless it is there (blocking; runs on a thread)."""
    if (target / "node_modules").is_dir():
        return Installed(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with locked(target.parent / f"{target.name}.lock"):  # another server may be installing
        if (target / "node_modules").is_dir():
            return Installed(target)
        npm = shutil.which("npm")
        if npm is None:
            return Installed(None, "npm is not on PATH, so Headwater could not install the AWS "
                                   "SDK for JavaScript v3 that Lambda's Node.js runtimes include")
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        command = [npm, "install", "--no-audit", "--no-fund", "--no-save", "--omit=dev",
                   "--no-package-lock", "--loglevel=error", f"--before={pin}", "--prefix",
                   str(staging), *(f"{package}@3" for package in PACKAGES)]
        log.info("installing the AWS SDK for JavaScript v3 (registry date %s) into %s",
                 pin, target)
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False,
                                  timeout=INSTALL_TIMEOUT, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as error:
            shutil.rmtree(staging, ignore_errors=True)
            return Installed(None, f"npm install of the AWS SDK for JavaScript v3 failed: {error}")
        if done.returncode != 0 or not (staging / "node_modules").is_dir():
            shutil.rmtree(staging, ignore_errors=True)
            detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return Installed(None, "npm install of the AWS SDK for JavaScript v3 failed: "
                                   + " / ".join(detail))
        os.chmod(staging, 0o755)
        os.rename(staging, target)
        return Installed(target)
