"""One execution environment: a worker process (the shipped Python bootstrap, or a provided.*
package's `bootstrap` executable) and its own Runtime API port. It initialises once, runs one
invocation at a time, and is killed on timeout; its output is split per invocation."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from headwater.functions import runtime_api

MARKER = b"\x1e\x1fheadwater-end\x1f\n"  # keep in sync with functions/bootstrap.py
BOOTSTRAP = Path(__file__).with_name("bootstrap.py")
API = "/2018-06-01/runtime"
MAX_RESPONSE = 6 * 1024 * 1024
SIGNALS = {signal.SIGKILL: "killed", signal.SIGSEGV: "segmentation fault",
           signal.SIGABRT: "aborted", signal.SIGTERM: "terminated"}


@dataclass
class Invocation:
    request_id: str
    payload: bytes
    invoked_arn: str
    deadline_ms: int
    client_context: str | None
    done: asyncio.Future[tuple[bytes, str | None]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future())


@dataclass
class Spec:
    """What an environment runs: argv, working directory and environment variables."""

    argv: list[str]
    cwd: Path
    env: dict[str, str]
    python: bool  # speaks the output marker
    log_stream: str


class Environment:
    def __init__(self, key: Any, spec: Spec) -> None:
        self.key = key
        self.spec = spec
        self.id = uuid.uuid4().hex
        self.process: asyncio.subprocess.Process | None = None
        self.server: asyncio.Server | None = None
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.init_error: tuple[bytes, str] | None = None
        self.init_ms = 0.0
        self._started = 0.0
        self.current: Invocation | None = None
        self._waiting: asyncio.Future[Invocation] | None = None
        self._queued: Invocation | None = None
        self._output = bytearray()
        self._segments: list[bytes] = []
        self._segment_event = asyncio.Event()
        self._eof = False
        self._tasks: list[asyncio.Task[None]] = []
        self.exit_reason: str | None = None
        self.last_used = 0.0
        self.retired = False

    @property
    def alive(self) -> bool:
        return self.exit_reason is None

    async def start(self) -> None:
        self._started = time.perf_counter()
        self.server = await runtime_api.serve(self._route)
        port = self.server.sockets[0].getsockname()[1]
        env = {**self.spec.env, "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}"}
        self.process = await asyncio.create_subprocess_exec(
            *self.spec.argv, cwd=self.spec.cwd, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            start_new_session=True)
        self._tasks = [asyncio.create_task(self._read_output()),
                       asyncio.create_task(self._watch_exit())]

    async def run(self, invocation: Invocation, timeout: float) -> tuple[bytes, str | None] | None:
        """The (payload, error type) the runtime posted, or None when `timeout` passed."""
        self.current = invocation
        if self._waiting is not None and not self._waiting.done():
            self._waiting.set_result(invocation)
        else:
            self._queued = invocation
        try:
            return await asyncio.wait_for(asyncio.shield(invocation.done), timeout)
        except TimeoutError:
            return None

    async def output(self, wait: float = 1.0) -> str:
        """The output of the last phase (init or invocation)."""
        if not self._tasks:  # the process never started
            return ""
        if self.spec.python and self.alive:
            deadline = time.monotonic() + wait
            while not self._segments and not self._eof and time.monotonic() < deadline:
                self._segment_event.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._segment_event.wait(), deadline - time.monotonic())
        elif not self.alive:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._tasks[0]), wait)
        else:
            await asyncio.sleep(0.002)
        if self._segments:
            data = self._segments.pop(0)
        else:
            data, self._output = bytes(self._output), bytearray()
        return data.decode("utf-8", "replace")

    def max_memory_mb(self) -> int:
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()  # type: ignore[union-attr]
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    return max(1, int(line.split()[1]) // 1024)
        except (OSError, ValueError, AttributeError):
            pass
        return 0

    def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)

    async def close(self) -> None:
        self.kill()
        if self.server is not None:
            self.server.close()
        for task in self._tasks:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(task, 2.0)

    async def _read_output(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        while chunk := await self.process.stdout.read(65536):
            self._output += chunk
            while (at := self._output.find(MARKER)) >= 0:
                self._segments.append(bytes(self._output[:at]))
                del self._output[:at + len(MARKER)]
                self._segment_event.set()
        self._eof = True
        self._segment_event.set()

    async def _watch_exit(self) -> None:
        assert self.process is not None
        code = await self.process.wait()
        if code >= 0:
            self.exit_reason = f"exit status {code}"
        else:
            self.exit_reason = f"signal: {SIGNALS.get(signal.Signals(-code), str(-code))}"
        if self.server is not None:
            self.server.close()
        if not self.ready.done():
            self.ready.set_result(None)
        if self.current is not None and not self.current.done.done():
            message = (f"RequestId: {self.current.request_id} Error: Runtime exited with error: "
                       f"{self.exit_reason}")
            self.current.done.set_result((orjson.dumps(
                {"errorType": "Runtime.ExitError", "errorMessage": message}), "Runtime.ExitError"))
        if self._waiting is not None and not self._waiting.done():
            self._waiting.set_exception(ConnectionResetError("the runtime exited"))

    async def _route(self, method: str, target: str, headers: dict[str, str],
                     body: bytes) -> runtime_api.Answer:
        if method == "GET" and target == f"{API}/invocation/next":
            return await self._next()
        if method == "POST" and target.startswith(f"{API}/invocation/"):
            request_id, _, action = target[len(API) + 12:].partition("/")
            current = self.current
            if current is None or current.request_id != request_id or current.done.done():
                return _json(400, {"errorMessage": "Invalid request ID",
                                   "errorType": "InvalidRequestID"})
            if action == "response":
                if len(body) > MAX_RESPONSE:
                    error = {"errorMessage": f"Response payload size ({len(body)} bytes) exceeded "
                             f"maximum allowed payload size ({MAX_RESPONSE} bytes).",
                             "errorType": "Function.ResponseSizeTooLarge"}
                    current.done.set_result((orjson.dumps(error), "Function.ResponseSizeTooLarge"))
                    return _json(413, error)
                current.done.set_result((body, None))
            elif action == "error":
                kind = headers.get("lambda-runtime-function-error-type") or "Unhandled"
                current.done.set_result((body or b"{}", kind))
            else:
                return _json(404, {"errorMessage": "Not found", "errorType": "NotFound"})
            return _json(202, {"status": "OK"})
        if method == "POST" and target == f"{API}/init/error":
            kind = headers.get("lambda-runtime-function-error-type") or "Runtime.Unknown"
            self.init_error = (body or b"{}", kind)
            if not self.ready.done():
                self.ready.set_result(None)
            return _json(202, {"status": "OK"})
        return _json(404, {"errorMessage": "Not found", "errorType": "NotFound"})

    async def _next(self) -> runtime_api.Answer:
        if not self.ready.done():
            self.init_ms = (time.perf_counter() - self._started) * 1000
            self.ready.set_result(None)
        invocation = self._queued
        self._queued = None
        if invocation is None:
            self._waiting = asyncio.get_running_loop().create_future()
            invocation = await self._waiting
            self._waiting = None
        headers = {
            "Content-Type": "application/json",
            "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
            "Lambda-Runtime-Deadline-Ms": str(invocation.deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": invocation.invoked_arn,
            "Lambda-Runtime-Trace-Id": f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};"
                                       "Parent=0000000000000000;Sampled=0",
        }
        if invocation.client_context:
            headers["Lambda-Runtime-Client-Context"] = invocation.client_context
        return 200, headers, invocation.payload


def _json(status: int, body: dict[str, Any]) -> runtime_api.Answer:
    return status, {"Content-Type": "application/json"}, orjson.dumps(body)
