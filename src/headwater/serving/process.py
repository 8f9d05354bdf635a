"""A serving process (`headwater serve --serve-processes N`, docs/multicore.md): started by the
owner with its settings, it listens on the owner's port (SO_REUSEPORT: the kernel spreads new
connections over the owner and its serving processes), answers the happy path of DynamoDB reads
itself (reads.py) and forwards every other request to the owner (forward.py). Once a second it
reports to the owner: requests answered, and the CloudWatch tallies of those reads.

It ends on SIGTERM (the owner stopping it), when its stdin (a pipe from the owner) ends, or when
the owner dies (PR_SET_PDEATHSIG on Linux)."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import orjson

from headwater import log_format, request_log
from headwater.body_limits import body_limit
from headwater.callers import Callers
from headwater.http.messages import RelayedResponse
from headwater.http.server import (
    HttpServer,
    Limits,
    Request,
    Response,
    default_max_connections,
)
from headwater.iam import store as iam_store
from headwater.serving import metrics
from headwater.serving.forward import Forwarder
from headwater.serving.reads import TARGETS, LocalReads
from headwater.serving.root import ServingRoot
from headwater.settings import Settings
from headwater.wire.sigv4 import credential_scope

log = logging.getLogger("headwater.serving")
# Seconds between reports to the owner.
REPORT_INTERVAL = 1.0
# Keys IAM may have issued (AKIA users, ASIA role sessions) name an account only IAM knows: a
# request signed with a key IAM issued is forwarded (below).
ISSUED_PREFIXES = ("AKIA", "ASIA")
# AKIA access key ids looked up, kept at most (then forgotten and looked up again).
KNOWN_KEYS = 1024
REPORT_PATH = "/_headwater/serving"
PR_SET_PDEATHSIG = 1


class ServingHandler:
    def __init__(self, root: ServingRoot, forwarder: Forwarder, local: bool) -> None:
        self.root = root
        self.forwarder = forwarder
        self.reads = LocalReads(root) if local else None
        self.callers = Callers(root.settings, None, root.clock)
        self._unissued_keys: dict[str, bool] = {}  # AKIA keys looked up: whether unissued

    def _unissued(self, key: str) -> bool:
        """Whether `key` is not one IAM issued, so that it names its account the plain way
        (a 12-digit key is that account, any other the default one; callers.py). An AKIA key
        is looked up once in the owner's IAM keys (IAM gives a new key a random id, so a key
        seen unissued cannot become issued; one seen issued is forwarded for good, which is
        always right). Role session keys (ASIA) are always taken for issued: function
        workers' sessions are not all in the database."""
        if not key.startswith(ISSUED_PREFIXES):
            return True
        if key.startswith("ASIA"):
            return False
        unissued = self._unissued_keys.get(key)
        if unissued is None:
            unissued = iam_store.get_key(self.root.storage.conn, key) is None
            if len(self._unissued_keys) >= KNOWN_KEYS:
                self._unissued_keys.clear()
            self._unissued_keys[key] = unissued
        return unissued

    def head(self, request: Request) -> int:
        """The body limit the owner applies (body_limits.py)."""
        return body_limit(request.method, request.path, request.headers, request.query)

    def too_large(self, request: Request, limit: int) -> Awaitable[Response]:
        """The owner's answer to the head of a request whose body is over its limit."""
        return self.forwarder.answer_to_head(request, limit)

    def handle(self, request: Request) -> Response | Awaitable[Response | RelayedResponse] \
            | RelayedResponse:
        reads = self.reads
        if reads is not None and request.method == "POST" and request.path == "/":
            headers = request.headers
            operation = TARGETS.get(headers.get("x-amz-target", ""))
            if operation is not None and "origin" not in headers:
                scope = credential_scope(headers.get("authorization"))
                if len(scope) >= 5 and scope[3] == "dynamodb":
                    started = time.perf_counter()
                    try:
                        if not self._unissued(scope[0]):
                            return self.forwarder.relay(request)
                        answer = reads.answer(self.callers.claimed(scope), operation,
                                              headers.get("host", ""), request.body)
                    except Exception:  # e.g. a database error checking the catalog
                        log.debug("forwarded after a failure", exc_info=True)
                        answer = None
                    if answer is None:
                        return self.forwarder.relay(request)
                    if isinstance(answer, tuple):
                        if request_log.log.isEnabledFor(logging.INFO):
                            request_log.logged(request, answer, started)
                        return answer
                    return self._later(request, answer, started)
        return self.forwarder.relay(request)

    async def _later(self, request: Request, pending: Awaitable[Response | None],
                     started: float) -> Response | RelayedResponse:
        answer = await pending
        if answer is None:
            return self.forwarder.relay(request)
        if request_log.log.isEnabledFor(logging.INFO):
            request_log.logged(request, answer, started)
        return answer


class Reporter:
    """Tells the owner, once a second and at the end, what this process answered."""

    def __init__(self, path: str, handler: ServingHandler) -> None:
        self.path = path
        self.handler = handler
        self._connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def report(self) -> None:
        handler = self.handler
        reads = handler.reads
        tallies = metrics.encode(handler.root.cloudwatch.take())
        body = orjson.dumps({"pid": os.getpid(),
                             "answered": 0 if reads is None else reads.answered,
                             "forwarded": handler.forwarder.forwarded,
                             "reloads": handler.root.reloads, "tallies": tallies})
        message = (b"POST %s HTTP/1.1\r\nhost: serving\r\ncontent-type: application/json\r\n"
                   b"content-length: %d\r\n\r\n%s" % (REPORT_PATH.encode(), len(body), body))
        try:
            if self._connection is None:
                self._connection = await asyncio.open_unix_connection(self.path)
            reader, writer = self._connection
            writer.write(message)
            head = await reader.readuntil(b"\r\n\r\n")
            length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), 0)
            await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            log.warning("serving process %d: the owner did not take its report", os.getpid())
            self.close()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.report()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), REPORT_INTERVAL)

    def close(self) -> None:
        if self._connection is not None:
            self._connection[1].close()
            self._connection = None


def _die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _listen(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(1024)
    return sock


async def serve(config: dict[str, Any]) -> None:
    settings = Settings(host=config["host"], port=config["port"],
                        data_dir=Path(config["data_dir"]), cache_mb=config["cache_mb"],
                        mmap_mb=config["mmap_mb"], log_level=config["log_level"])
    root = ServingRoot(settings)
    forwarder = Forwarder(config["socket"])
    handler = ServingHandler(root, forwarder, config["local"])
    limits = Limits(max_connections=config["max_connections"] or default_max_connections(),
                    head_timeout=config["head_timeout"], body_timeout=config["body_timeout"],
                    min_rate=config["min_body_rate"], idle_timeout=config["idle_timeout"])
    server = HttpServer(handler.handle, lambda done: done(None), limits, head=handler.head,
                        too_large=handler.too_large)
    loop = asyncio.get_running_loop()
    # Point reads of one loop iteration after its first share a read transaction (Storage.
    # reader): every request they answer arrived before the iteration began, so after any
    # write the owner had acknowledged to its client, and the shared snapshot, taken during
    # the iteration, holds it.
    root.storage.group_commits(loop)
    root.check_once_per_turn(loop)
    await server.start(_listen(settings.host, settings.port))
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    def owner_gone() -> None:
        if not os.read(0, 4096):
            loop.remove_reader(0)
            stop.set()
    loop.add_reader(0, owner_gone)
    reporter = Reporter(config["socket"], handler)
    reporting = asyncio.create_task(reporter.run(stop))
    await stop.wait()
    await server.shutdown(config["grace"])
    await reporting
    await reporter.report()
    reporter.close()
    forwarder.close()
    root.close()


def main() -> None:
    _die_with_parent()
    config = orjson.loads(sys.argv[1])
    if os.getppid() != config["owner"]:
        return  # the owner died before PR_SET_PDEATHSIG took effect
    log_format.configure(config["log_level"], config["log_format"])
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve(config))
        return
    uvloop.run(serve(config))


if __name__ == "__main__":
    main()
