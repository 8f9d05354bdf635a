"""One execution environment: a worker process (the shipped Python bootstrap, or a provided.*
package's `bootstrap` executable) and its own Runtime API (`/2018-06-01/runtime/...`) on a
loopback port, served by the shared HTTP server on the server's event loop, to that worker only
(runtime_peers.py). It initialises once, runs one invocation at a time, is killed on timeout or
when it uses more memory than its MemorySize, and dies with the server (worker_processes.py); its
output is split per invocation, in bounded memory (output.py)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from headwater.functions import runtime_peers, worker_processes
from headwater.functions.output import OutputSplitter
from headwater.http.server import HttpServer, Limits, Request, Response

BOOTSTRAP = Path(__file__).with_name("bootstrap.py")
API = "/2018-06-01/runtime"
MAX_RESPONSE = 6 * 1024 * 1024
MAX_REQUEST = 7 * 1024 * 1024  # the Runtime API's body limit: a larger post is refused with 413
JSON = (b"content-type", b"application/json")
SIGNALS = {signal.SIGKILL: "killed", signal.SIGSEGV: "segmentation fault",
           signal.SIGABRT: "aborted", signal.SIGTERM: "terminated"}
MEMORY_POLL = 0.05  # seconds between two looks at a busy worker's resident memory
OUT_OF_MEMORY = "Runtime.OutOfMemory"
KILLED = "signal: killed"


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
    memory_mb: int = 0  # MemorySize: a busy worker using more is killed (0: no cap)
    token: str = ""  # the server's worker tag (worker_processes.py)
    identity: tuple[int, int] | None = None  # (uid, gid) to run as (sandbox_users.py)
    before_exec: Callable[[], None] | None = None  # runs in the child as root (mounts)
    cleanup: Callable[[], None] | None = None  # runs once the worker is gone


class Environment:
    def __init__(self, key: Any, spec: Spec) -> None:
        self.key = key
        self.spec = spec
        self.id = uuid.uuid4().hex
        self.process: asyncio.subprocess.Process | None = None
        self._peak_reader: worker_processes.PeakReader | None = None
        self.server: HttpServer | None = None
        self.peers: runtime_peers.PeerCheck | None = None
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.init_error: tuple[bytes, str] | None = None
        self.init_ms = 0.0
        self._started = 0.0
        self.current: Invocation | None = None
        self._waiting: asyncio.Future[Invocation] | None = None
        self._queued: Invocation | None = None
        self._output = OutputSplitter()
        self._segment_event = asyncio.Event()
        self._eof = False
        self._tasks: list[asyncio.Task[None]] = []
        self.exit_reason: str | None = None
        self.out_of_memory = False
        self._busy = asyncio.Event()  # wakes the memory watch
        self._peak_kb = 0
        self._peak_fresh = False  # _peak_kb read since the last invocation ended
        self.last_used = 0.0
        self.retired = False

    @property
    def alive(self) -> bool:
        return self.exit_reason is None

    async def start(self) -> None:
        self._started = time.perf_counter()
        self.server = HttpServer(self._route, _settled, Limits(max_body=MAX_REQUEST),
                                 too_large=self._too_large)
        host, port = await self.server.listen("127.0.0.1", 0)
        env = {**self.spec.env, "AWS_LAMBDA_RUNTIME_API": f"{host}:{port}",
               worker_processes.TAG: worker_processes.tag_value(self.spec.token, self.id)}
        self.process = await asyncio.create_subprocess_exec(
            *self.spec.argv, cwd=self.spec.cwd, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=worker_processes.preexec(self.spec.identity, self.spec.before_exec))
        self._peak_reader = worker_processes.PeakReader(self.process.pid)
        if runtime_peers.available():
            self.peers = runtime_peers.PeerCheck(self.process.pid, port)
        self._tasks = [asyncio.create_task(self._read_output()),
                       asyncio.create_task(self._watch_exit()),
                       asyncio.create_task(self._watch_memory())]

    async def run(self, invocation: Invocation, timeout: float) -> tuple[bytes, str | None] | None:
        """The (payload, error type) the runtime posted, or None when `timeout` passed."""
        self.current = invocation
        self._peak_fresh = False
        self._busy.set()
        if self._waiting is not None and not self._waiting.done():
            self._waiting.set_result(invocation)
        else:
            self._queued = invocation
        try:
            outcome = await asyncio.wait_for(asyncio.shield(invocation.done), timeout)
        except TimeoutError:
            return None
        if outcome[1] != OUT_OF_MEMORY and self._over_memory():
            # It went over and back between two looks: AWS's cgroup would have ended it.
            self._end_out_of_memory()
            return _out_of_memory(invocation.request_id)
        return outcome

    def _over_memory(self) -> bool:
        if not self.spec.memory_mb or self._peak_reader is None:
            return False
        peak = self._peak_reader.peak_kb()  # VmHWM: never below VmRSS
        self._peak_kb = max(self._peak_kb, peak)
        self._peak_fresh = True  # read after the invocation: max_memory_mb needs no other
        return peak > self.spec.memory_mb * 1024

    def _end_out_of_memory(self) -> None:
        self.out_of_memory = True
        self.retired = True  # never back to the pool, even before its exit is seen
        self.kill()

    async def output(self, wait: float = 1.0) -> str:
        """The output of the last phase (init or invocation)."""
        if not self._tasks:  # the process never started
            return ""
        if self.spec.python and self.alive:
            deadline = time.monotonic() + wait
            while not self._output.finished and not self._eof and time.monotonic() < deadline:
                self._segment_event.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._segment_event.wait(), deadline - time.monotonic())
        elif not self.alive:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._tasks[0]), wait)
        else:
            await asyncio.sleep(0.002)
        return self._output.take().decode("utf-8", "replace")

    def max_memory_mb(self) -> int:
        if self._peak_reader is not None and not self._peak_fresh:
            self._peak_kb = max(self._peak_kb, self._peak_reader.peak_kb())
        return max(1, self._peak_kb // 1024) if self._peak_kb else 0

    def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            worker_processes.kill_environment(self.spec.token, self.id, self.process.pid)

    async def close(self) -> None:
        if self.process is not None:
            # Also after the worker exited: its children may live on, in its session or not.
            worker_processes.kill_environment(self.spec.token, self.id, self.process.pid)
        if self._peak_reader is not None:
            self._peak_reader.close()
        if self.server is not None:
            await self.server.shutdown(0)
        for task in self._tasks:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(task, 2.0)
        if self.spec.cleanup is not None:
            cleanup, self.spec.cleanup = self.spec.cleanup, None
            cleanup()

    async def _read_output(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        while chunk := await self.process.stdout.read(65536):
            if self._output.feed(chunk):
                self._segment_event.set()
        self._output.close()
        self._eof = True
        self._segment_event.set()

    async def _watch_memory(self) -> None:
        """While the worker initialises or runs an invocation, end it (SIGKILL, as AWS's
        cgroup does) once its resident memory passes MemorySize."""
        assert self.process is not None
        limit_kb = self.spec.memory_mb * 1024
        pid = self.process.pid
        while self.alive:
            busy = not self.ready.done() or (self.current is not None
                                             and not self.current.done.done())
            if not busy:  # idle: no polling until `run` hands it work
                self._busy.clear()
                await self._busy.wait()
                continue
            await asyncio.sleep(MEMORY_POLL)
            if not self.alive:
                return
            rss, hwm = worker_processes.rss_kb(pid)
            self._peak_kb = max(self._peak_kb, hwm, rss)
            if limit_kb and rss > limit_kb:
                self._end_out_of_memory()
                return

    async def _watch_exit(self) -> None:
        assert self.process is not None
        code = await self.process.wait()
        if code >= 0:
            self.exit_reason = f"exit status {code}"
        else:
            self.exit_reason = f"signal: {SIGNALS.get(signal.Signals(-code), str(-code))}"
        self._busy.set()  # lets the memory watch end
        if not self.ready.done():
            self.ready.set_result(None)
        if self.current is not None and not self.current.done.done():
            if self.out_of_memory:
                self.current.done.set_result(_out_of_memory(self.current.request_id))
            else:
                message = (f"RequestId: {self.current.request_id} Error: Runtime exited with "
                           f"error: {self.exit_reason}")
                self.current.done.set_result((orjson.dumps(
                    {"errorType": "Runtime.ExitError", "errorMessage": message}),
                    "Runtime.ExitError"))
        if self._waiting is not None and not self._waiting.done():
            self._waiting.cancel()  # ends the pending /next; its connection is gone
        if self.server is not None:
            await self.server.shutdown(0)

    def _route(self, request: Request) -> Response | Awaitable[Response]:
        if self.peers is not None and not self.peers.allows(request.peer):
            return FORBIDDEN
        method, target, headers, body = request.method, request.path, request.headers, request.body
        if method == "GET" and target == f"{API}/invocation/next":
            if not self.ready.done():
                self.init_ms = (time.perf_counter() - self._started) * 1000
                self.ready.set_result(None)
            invocation, self._queued = self._queued, None
            if invocation is not None:
                return _next_answer(invocation)
            # Wait from now, not from when the answering task starts: `run` may come between.
            self._waiting = asyncio.get_running_loop().create_future()
            return self._next(self._waiting)
        if method == "POST" and target.startswith(f"{API}/invocation/"):
            request_id, _, action = target[len(API) + 12:].partition("/")
            current = self.current
            if current is None or current.request_id != request_id or current.done.done():
                return _json(400, {"errorMessage": "Invalid request ID",
                                   "errorType": "InvalidRequestID"})
            if action == "response":
                if len(body) > MAX_RESPONSE:
                    return _json(413, self._fail_too_large(current, str(len(body))))
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

    def _too_large(self, request: Request, limit: int) -> Response:
        """A post over MAX_REQUEST gets a 413 unread; a result for the current invocation
        still ends it as AWS does, rather than leaving it to time out."""
        if self.peers is not None and not self.peers.allows(request.peer):
            return FORBIDDEN
        current = self.current
        prefix = f"{API}/invocation/{current.request_id if current else ''}/"
        if current is not None and not current.done.done() and request.path.startswith(prefix):
            length = request.headers.get("content-length", "")
            self._fail_too_large(current, length if length.isdigit() else f"over {MAX_REQUEST}")
        return _json(413, {"errorMessage": f"Request must be smaller than {limit} bytes",
                           "errorType": "RequestEntityTooLarge"})

    @staticmethod
    def _fail_too_large(current: Invocation, size: str) -> dict[str, Any]:
        error = {"errorMessage": f"Response payload size ({size} bytes) exceeded "
                 f"maximum allowed payload size ({MAX_RESPONSE} bytes).",
                 "errorType": "Function.ResponseSizeTooLarge"}
        current.done.set_result((orjson.dumps(error), "Function.ResponseSizeTooLarge"))
        return error

    async def _next(self, waiting: asyncio.Future[Invocation]) -> Response:
        """The long poll: answered when the next invocation arrives."""
        try:
            invocation = await waiting
        finally:
            if self._waiting is waiting:
                self._waiting = None
        return _next_answer(invocation)


def _next_answer(invocation: Invocation) -> Response:
    trace = (f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};"
             "Parent=0000000000000000;Sampled=0")
    headers = [JSON, (b"lambda-runtime-aws-request-id", invocation.request_id.encode()),
               (b"lambda-runtime-deadline-ms", str(invocation.deadline_ms).encode()),
               (b"lambda-runtime-invoked-function-arn", invocation.invoked_arn.encode()),
               (b"lambda-runtime-trace-id", trace.encode())]
    if invocation.client_context:
        headers.append((b"lambda-runtime-client-context", invocation.client_context.encode()))
    return 200, headers, invocation.payload


def _out_of_memory(request_id: str) -> tuple[bytes, str]:
    """AWS's answer for an invocation whose sandbox ran out of memory (SIGKILLed)."""
    message = f"RequestId: {request_id} Error: Runtime exited with error: {KILLED}"
    return orjson.dumps({"errorType": OUT_OF_MEMORY, "errorMessage": message}), OUT_OF_MEMORY


def _json(status: int, body: dict[str, Any]) -> Response:
    return status, [JSON], orjson.dumps(body)


FORBIDDEN = _json(403, {"errorMessage": "Only this execution environment's runtime may use its "
                       "Runtime API.", "errorType": "Forbidden"})


def _settled(callback: Callable[[BaseException | None], None]) -> None:
    """The Runtime API writes nothing to storage: every answer may leave at once."""
    callback(None)
