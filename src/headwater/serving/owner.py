"""The owner's side of `--serve-processes N` (docs/multicore.md): it starts N serving processes
(process.py) on its own port, listens on a Unix socket for the requests they forward (served
by the same application as on TCP) and for their reports (requests answered, CloudWatch
tallies merged into its own store), lists them for `/_headwater/health`, and stops them by PID
on shutdown and around a reset (which deletes the database they read)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from headwater.cloudwatch.store import MetricStore
from headwater.http.server import (
    Handler,
    Head,
    HttpServer,
    Limits,
    Request,
    Response,
    Settle,
    TooLarge,
)
from headwater.serving import metrics
from headwater.serving.process import REPORT_PATH
from headwater.settings import Settings

log = logging.getLogger("headwater.serving")
# Seconds a serving process has to finish its requests when stopped, then it is killed.
STOP_GRACE = 10.0
JSON = b"application/json"


@dataclass(slots=True)
class Child:
    """What the owner knows of one serving process."""

    process: subprocess.Popen[bytes]
    answered: int = 0
    forwarded: int = 0
    reloads: int = 0
    reported: bool = False


class ServingProcesses:
    def __init__(self, settings: Settings, log_format: str, store: Callable[[], MetricStore]
                 ) -> None:
        self.settings = settings
        self.log_format = log_format
        self.store = store  # the owner's metric store (the current one: a reset replaces it)
        self.directory = tempfile.mkdtemp(prefix="headwater-serving-")
        self.socket = os.path.join(self.directory, "owner.sock")
        self.processes: list[Child] = []
        self._retiring: set[asyncio.Task[None]] = set()
        self._server: HttpServer | None = None
        self._handler: Handler | None = None

    async def listen(self, handler: Handler, settle: Settle, head: Head,
                     too_large: TooLarge) -> None:
        """Serve forwarded requests with the owner's application, and the reports."""
        self._handler = handler
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(self.socket)
        os.chmod(self.socket, 0o600)
        sock.listen(1024)
        settings = self.settings
        # No idle timeout: a serving process keeps its connections for the next request.
        limits = Limits(max_connections=100_000, head_timeout=settings.head_timeout,
                        body_timeout=settings.body_timeout, min_rate=settings.min_body_rate,
                        idle_timeout=10.0 ** 9)
        self._server = HttpServer(self._handle, settle, limits, head=head, too_large=too_large)
        await self._server.start(sock)

    def _handle(self, request: Request) -> Any:
        if request.path == REPORT_PATH:
            return self._report(request)
        assert self._handler is not None
        return self._handler(request)

    def _report(self, request: Request) -> Response:
        report = orjson.loads(request.body)
        current = False
        for served in self.processes:
            if served.process.pid == report["pid"]:
                served.answered = int(report["answered"])
                served.forwarded = int(report["forwarded"])
                served.reloads = int(report["reloads"])
                served.reported = current = True
        if not current:  # retired by a reset: its reads were of the deleted state
            return 200, [(b"content-type", JSON)], b"{}"
        try:
            metrics.merge(self.store(), report["tallies"])
        except Exception:
            log.exception("merging a serving process's metrics failed")
        return 200, [(b"content-type", JSON)], b"{}"

    def start(self) -> None:
        """Start the serving processes (again after a reset)."""
        settings = self.settings
        assert settings.data_dir is not None
        config = orjson.dumps({
            "owner": os.getpid(), "host": settings.host, "port": settings.port,
            "data_dir": str(settings.data_dir), "cache_mb": settings.cache_mb,
            "mmap_mb": settings.mmap_mb, "log_level": settings.log_level,
            "log_format": self.log_format, "socket": self.socket,
            # With verified callers, identities live in the owner: forward everything.
            "local": settings.credentials is None and not settings.enforce_iam,
            "max_connections": settings.max_connections,
            "head_timeout": settings.head_timeout, "body_timeout": settings.body_timeout,
            "min_body_rate": settings.min_body_rate, "idle_timeout": settings.idle_timeout,
            "grace": STOP_GRACE}).decode()
        for _ in range(settings.serve_processes):
            process = subprocess.Popen(
                [sys.executable, "-m", "headwater.serving.process", config],
                # stdout is the owner's (its first line is the URL tests and scripts read):
                # a serving process writes nothing there; its logs go to stderr.
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, close_fds=True)
            self.processes.append(Child(process))

    def retire(self) -> None:
        """Stop the serving processes without waiting for them (a reset: one of them may be
        relaying the reset's own request). Told to stop, they take no new connection and close
        each of theirs once its request in flight is answered; they are reaped meanwhile."""
        processes, self.processes = self.processes, []
        for served in processes:
            with contextlib.suppress(ProcessLookupError):
                served.process.send_signal(signal.SIGTERM)
        task = asyncio.get_running_loop().create_task(self._reap(processes))
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)

    async def stop(self) -> None:
        """Stop every serving process (SIGTERM by PID; SIGKILL past the grace) and wait."""
        processes, self.processes = self.processes, []
        for served in processes:
            with contextlib.suppress(ProcessLookupError):
                served.process.send_signal(signal.SIGTERM)
        await self._reap(processes)
        if self._retiring:
            await asyncio.gather(*self._retiring)

    @staticmethod
    async def _reap(processes: list[Child]) -> None:
        deadline = time.monotonic() + STOP_GRACE + 2
        for served in processes:
            process = served.process
            while process.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            if process.poll() is None:
                process.kill()
                process.wait()
            if process.stdin is not None:
                process.stdin.close()

    def status(self) -> list[dict[str, Any]]:
        """Each serving process as /_headwater/health lists it."""
        return [{"pid": served.process.pid, "ready": served.reported,
                 "answered": served.answered, "forwarded": served.forwarded,
                 "catalog_reloads": served.reloads}
                for served in self.processes]

    async def close(self) -> None:
        await self.stop()
        if self._server is not None:
            await self._server.shutdown(STOP_GRACE)
        shutil.rmtree(self.directory, ignore_errors=True)

