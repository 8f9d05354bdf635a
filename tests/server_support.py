"""Starting Headwater servers and pointing boto3 at them: shared by the fixtures in
conftest.py and by tests that need a server of their own (restarts, private clocks).
Importable as `server_support` from any test (tests/ is on sys.path)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import orjson
import pytest
import urllib3
from botocore.config import Config
from botocore.exceptions import ClientError

from headwater.queues.query_model import sqs_query_data
from headwater.testing.embedded import wait_for as wait_for  # re-exported for the tests

CREDENTIALS = {"aws_access_key_id": "AKIDTEST", "aws_secret_access_key": "secret",
               "region_name": "us-east-1"}


def client(service: str, endpoint: str, **overrides: Any) -> Any:
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    return boto3.client(service, endpoint_url=endpoint, config=config,
                        **{**CREDENTIALS, **overrides})


def session_client(name: str, service: str) -> Any:
    """The session fixture NAME: a boto3 client for SERVICE on the `endpoint` fixture's server.
    (A conftest that overrides `endpoint` registers its own, so no client cached for the root
    server is handed to its tests.)"""
    def make(endpoint: str) -> Any:
        return client(service, endpoint)
    return pytest.fixture(scope="session", name=name)(make)


class Clock:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.http = urllib3.PoolManager()

    def now(self) -> float:
        response = self.http.request("GET", f"{self.endpoint}/_headwater/clock")
        return float(orjson.loads(response.data)["now"])

    def advance(self, seconds: float) -> float:
        response = self.http.request("POST", f"{self.endpoint}/_headwater/clock",
                                     body=orjson.dumps({"advance": seconds}))
        assert response.status == 200, response.data
        return float(orjson.loads(response.data)["now"])


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str

    def client(self, service: str, **overrides: Any) -> Any:
        """A boto3 client pointed at this server."""
        return client(service, self.url, **overrides)

    @cached_property
    def clock(self) -> Clock:
        return Clock(self.url)

    def advance(self, seconds: float) -> float:
        """Move this server's virtual clock; returns its new time."""
        return self.clock.advance(seconds)

    def now(self) -> float:
        return self.clock.now()

    def kill(self) -> None:
        """SIGKILL: no clean shutdown."""
        self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM (SIGKILL after `timeout` seconds)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def start_server(*args: str, env: dict[str, str] | None = None,
                 cwd: str | None = None) -> Server:
    """Start `headwater serve --port 0 ARGS` and wait for it to print its endpoint."""
    process = subprocess.Popen(
        [sys.executable, "-m", "headwater", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}, cwd=cwd,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith("http://"):
        process.kill()
        process.wait()
        process.stdout.close()
        raise RuntimeError(f"headwater did not start: {line!r}")
    return Server(process, line)


def serving(*args: str, **kwargs: Any) -> Iterator[Server]:
    """For fixtures (`yield from serving(...)`): a started server, stopped afterwards."""
    running = start_server(*args, **kwargs)
    try:
        yield running
    finally:
        running.stop()



def serving_with_credentials(directory: Path, credentials: str,
                             *args: str) -> Iterator[Server]:
    """For fixtures: `serving("--in-memory", "--credentials", FILE, *args)`, FILE holding
    `credentials` (an AWS credentials file's text) and written in `directory`."""
    path = directory / "credentials"
    path.write_text(credentials)
    yield from serving("--in-memory", "--credentials", str(path), *args)

class Raw:
    """The JSON protocol over plain HTTP, for requests boto3 will not send (bad JSON, unknown
    targets, out-of-range values)."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.http = urllib3.PoolManager()

    def call(self, target: str, body: bytes | dict[str, Any] | str, *,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        if isinstance(body, dict):
            body = orjson.dumps(body)
        elif isinstance(body, str):
            body = body.encode()
        response = self.http.request(
            "POST", self.endpoint + "/", body=body,
            headers={"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target,
                     **(headers or {})},
        )
        return response.status, orjson.loads(response.data) if response.data else {}

    def op(self, operation: str, body: dict[str, Any] | bytes | str) -> tuple[int, dict[str, Any]]:
        """A DynamoDB operation (target DynamoDB_20120810.OPERATION)."""
        return self.call(f"DynamoDB_20120810.{operation}", body)

    def get(self, path: str) -> urllib3.BaseHTTPResponse:
        return self.http.request("GET", self.endpoint + path)


def expect_error(call: Callable[..., Any], code: str, message: str | None = None,
                 status: int = 400, **kwargs: Any) -> dict[str, Any]:
    """call(**kwargs) fails with that error code, HTTP status and (if given) message; returns
    the botocore error response."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response: dict[str, Any] = caught.value.response
    assert response["Error"]["Code"] == code, response["Error"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    if message is not None:
        assert response["Error"]["Message"] == message
    return response


def sqs_query_protocol_session(root: Path) -> Any:
    """A boto3 session whose SQS client speaks the query protocol (the SQS model of API
    version 2012-11-05 written under `root`, which botocore then loads first)."""
    target = root / "sqs" / "2012-11-05"
    target.mkdir(parents=True)
    (target / "service-2.json").write_text(orjson.dumps(sqs_query_data()).decode())
    session = botocore.session.Session()
    session.set_config_variable("data_path", str(root))
    return boto3.Session(botocore_session=session)
