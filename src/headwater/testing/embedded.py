"""Headwater embedded in any Python program: `with Server(in_memory=True) as hw:` starts
`headwater serve --port 0` in a subprocess, returns once it answers, and stops it on exit.

A subprocess rather than a thread: the server owns an event loop, worker processes and signal
handlers, none of which may share a test runner's process. Each `Account` is a fresh 12-digit
access key, and Headwater takes a 12-digit key id as the caller's account (README, Accounts), so
two accounts on one server never see each other's tables, functions, queues or topics."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import orjson
import urllib3

T = TypeVar("T")

DEFAULT_REGION = "us-east-1"
# Seconds a server has to print its endpoint after it is started.
START_TIMEOUT = 60.0


class ServerError(RuntimeError):
    """The server did not start, or a control request failed."""


def new_account_id() -> str:
    """A random 12-digit account id that is not Headwater's default (000000000000)."""
    return str(random.SystemRandom().randrange(10**11, 10**12))


class Account:
    """One caller account on a server: boto3 clients and resources signed with its key."""

    def __init__(self, server: Server, account_id: str | None = None,
                 region: str = DEFAULT_REGION) -> None:
        self.server = server
        self.account_id = account_id or new_account_id()
        self.region = region

    @property
    def endpoint_url(self) -> str:
        return self.server.endpoint_url

    def _session_arguments(self, region: str | None) -> dict[str, Any]:
        return {"aws_access_key_id": self.account_id, "aws_secret_access_key": "headwater",
                "region_name": region or self.region, "endpoint_url": self.endpoint_url}

    def client(self, service: str, *, region: str | None = None, **kwargs: Any) -> Any:
        """A boto3 client for `service` in this account (no retries: an error shows at once)."""
        import boto3
        from botocore.config import Config

        kwargs.setdefault("config", Config(retries={"max_attempts": 1, "mode": "standard"}))
        return boto3.client(service, **self._session_arguments(region), **kwargs)

    def resource(self, service: str, *, region: str | None = None, **kwargs: Any) -> Any:
        """A boto3 resource (`dynamodb`, `sqs`, `sns`, `iam`) in this account."""
        import boto3

        return boto3.resource(service, **self._session_arguments(region), **kwargs)

    def advance(self, seconds: float) -> float:
        """Move the server's virtual clock forward (it is one per server); its new time."""
        return self.server.advance(seconds)

    def now(self) -> float:
        return self.server.now()

    def wait_for_trigger(self, mapping_uuid: str, records: int = 1,
                         timeout: float = 10.0) -> int:
        """Wait until the event source mapping `mapping_uuid` has finished with at least
        `records` records since the server started (delivered, or sent on failure / dropped);
        the count. Raises TimeoutError with the count seen."""
        return self.server.wait_for_trigger(mapping_uuid, records, timeout)

    def wait_for(self, check: Callable[[], T], timeout: float = 10.0,
                 interval: float = 0.05) -> T:
        return wait_for(check, timeout, interval)


class Server:
    """`headwater serve` in a subprocess, on 127.0.0.1 and a free port.

    in_memory: keep nothing on disk (the default); else state goes to `data_dir`.
    args: more `headwater serve` options, e.g. ["--log-level", "info"].
    """

    def __init__(self, in_memory: bool = True, data_dir: str | os.PathLike[str] | None = None,
                 *, port: int = 0, args: list[str] | tuple[str, ...] = (),
                 env: dict[str, str] | None = None) -> None:
        if not in_memory and data_dir is None:
            raise ValueError("a server that is not in memory needs a data_dir")
        if in_memory and data_dir is not None:
            raise ValueError("a server in memory keeps nothing in data_dir: give "
                             "in_memory=False with it")
        self.in_memory = in_memory
        self.data_dir = None if data_dir is None else Path(data_dir)
        self.port = port
        self.args = list(args)
        self.env = env
        self.process: subprocess.Popen[str] | None = None
        self._endpoint: str | None = None
        self._http = urllib3.PoolManager()
        self._drains: list[threading.Thread] = []

    # -- lifetime ------------------------------------------------------------------------

    def start(self) -> Server:
        if self.process is not None:
            raise ServerError("the server is already started")
        command = [sys.executable, "-m", "headwater", "serve", "--host", "127.0.0.1",
                   "--port", str(self.port)]
        if self.in_memory:
            command.append("--in-memory")
        if self.data_dir is not None:
            command += ["--data-dir", str(self.data_dir)]
        command += self.args
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, env={**os.environ, **(self.env or {})})
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("http://"):
            process.kill()
            _, errors = process.communicate(timeout=START_TIMEOUT)
            process.stdout.close()
            if process.stderr is not None:
                process.stderr.close()
            raise ServerError(f"headwater did not start: {(errors or line).strip()}")
        self.process, self._endpoint = process, line
        self._drain(process)
        return self

    def _drain(self, process: subprocess.Popen[str]) -> None:
        """Read the server's output in the background so a full pipe never blocks it."""
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                thread = threading.Thread(target=_discard, args=(stream,), daemon=True)
                thread.start()
                self._drains.append(thread)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM, then SIGKILL after `timeout` seconds."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for thread in self._drains:
            thread.join(timeout)
        self._drains = []
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
        self._http.clear()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    # -- use -----------------------------------------------------------------------------

    @property
    def endpoint_url(self) -> str:
        if self._endpoint is None:
            raise ServerError("the server is not started")
        return self._endpoint

    def account(self, account_id: str | None = None, region: str = DEFAULT_REGION) -> Account:
        """An account on this server: a fresh one (random 12-digit id) unless named."""
        return Account(self, account_id, region)

    def client(self, service: str, **kwargs: Any) -> Any:
        """A client in the default account (000000000000)."""
        return Account(self, "000000000000").client(service, **kwargs)

    def resource(self, service: str, **kwargs: Any) -> Any:
        return Account(self, "000000000000").resource(service, **kwargs)

    def _control(self, method: str, path: str, body: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
        response = self._http.request(method, f"{self.endpoint_url}{path}",
                                      body=None if body is None else orjson.dumps(body))
        if response.status != 200:
            raise ServerError(f"{method} {path}: {response.status} {response.data.decode()}")
        answer: dict[str, Any] = orjson.loads(response.data)
        return answer

    def now(self) -> float:
        """The server's virtual clock, in epoch seconds."""
        return float(self._control("GET", "/_headwater/clock")["now"])

    def advance(self, seconds: float) -> float:
        """Move the virtual clock forward by `seconds`; its new time."""
        return float(self._control("POST", "/_headwater/clock", {"advance": seconds})["now"])

    def reset(self) -> None:
        """Delete every account's state (the clock keeps its time)."""
        self._control("POST", "/_headwater/reset")

    def trigger_records(self, mapping_uuid: str) -> int:
        """Records the mapping has finished with (delivered, sent on failure or dropped)."""
        return trigger_records(self.endpoint_url, mapping_uuid, self._http)

    def wait_for_trigger(self, mapping_uuid: str, records: int = 1,
                         timeout: float = 10.0) -> int:
        return wait_for_trigger(self.endpoint_url, mapping_uuid, records, timeout, self._http)


def trigger_records(endpoint_url: str, mapping_uuid: str,
                    http: urllib3.PoolManager | None = None) -> int:
    """Records the mapping `mapping_uuid` of the server at `endpoint_url` has finished with
    since that server started: its delivered and discarded counters at /metrics."""
    response = (http or urllib3.PoolManager()).request("GET", f"{endpoint_url}/metrics")
    total = 0.0
    for line in response.data.decode().splitlines():
        match = _RECORDS.match(line)
        if match and f'uuid="{mapping_uuid}"' in match.group("labels"):
            total += float(match.group("value"))
    return int(total)


def wait_for_trigger(endpoint_url: str, mapping_uuid: str, records: int = 1,
                     timeout: float = 10.0, http: urllib3.PoolManager | None = None) -> int:
    """Wait until the mapping has finished with at least `records` records; the count.
    TimeoutError (with the count seen) after `timeout` seconds."""
    seen = 0

    def done() -> bool:
        nonlocal seen
        seen = trigger_records(endpoint_url, mapping_uuid, http)
        return seen >= records

    try:
        wait_for(done, timeout)
    except TimeoutError:
        raise TimeoutError(f"the trigger {mapping_uuid} finished with {seen} of {records} "
                           f"records within {timeout}s") from None
    return seen


_RECORDS = re.compile(r"headwater_trigger_records_(?:delivered|discarded)_total"
                      r"\{(?P<labels>[^}]*)\} (?P<value>\S+)$")


def wait_for(check: Callable[[], T], timeout: float = 10.0, interval: float = 0.05) -> T:
    """Poll `check` until it returns something truthy (and return that); TimeoutError after
    `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout}s")
        time.sleep(interval)


def _discard(stream: Any) -> None:
    for _ in stream:
        pass
