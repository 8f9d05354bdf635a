"""Starting Headwater servers and pointing boto3 at them: shared by the fixtures in
conftest.py and by tests that need a server of their own (restarts, private clocks).
Importable as `server_support` from any test (tests/ is on sys.path)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

import boto3
import orjson
import urllib3
from botocore.config import Config

CREDENTIALS = {"aws_access_key_id": "AKIDTEST", "aws_secret_access_key": "secret",
               "region_name": "us-east-1"}


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
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


def client(service: str, endpoint: str, **overrides: Any) -> Any:
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    return boto3.client(service, endpoint_url=endpoint, config=config,
                        **{**CREDENTIALS, **overrides})


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
