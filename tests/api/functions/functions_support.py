"""Helpers for the Lambda API tests: deployment packages from source text, a function factory,
and a private server for tests that move the clock."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

import boto3
import orjson
import urllib3
from botocore.config import Config

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
CREDENTIALS = {"aws_access_key_id": "AKIDTEST", "aws_secret_access_key": "secret",
               "region_name": "us-east-1"}
# The interpreter the handlers' boto3 comes from: the server's (a python3.11 runtime resolves
# to the pyenv 3.11 here, which has boto3 too).
RUNTIME = "python3.11"


def new_name(prefix: str = "fn") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def package(files: dict[str, str | bytes], modes: dict[str, int] | None = None) -> bytes:
    """A zip of `files` (source text is dedented)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = ((modes or {}).get(name, 0o644)) << 16
            data = textwrap.dedent(content).encode() if isinstance(content, str) else content
            archive.writestr(info, data)
    return buffer.getvalue()


def handler_zip(source: str, module: str = "app") -> bytes:
    return package({f"{module}.py": source})


def lambda_client(endpoint: str, **overrides: Any) -> Any:
    config = Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=60)
    return boto3.client("lambda", endpoint_url=endpoint, config=config,
                        **{**CREDENTIALS, **overrides})


def client(service: str, endpoint: str) -> Any:
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    return boto3.client(service, endpoint_url=endpoint, config=config, **CREDENTIALS)


class Factory:
    """Creates uniquely named functions and deletes them afterwards."""

    def __init__(self, lam: Any) -> None:
        self.lam = lam
        self.created: list[str] = []

    def __call__(self, source: str = "def handler(event, context):\n    return event\n",
                 handler: str = "app.handler", runtime: str = RUNTIME,
                 zip_bytes: bytes | None = None, **kwargs: Any) -> str:
        name = kwargs.pop("FunctionName", None) or new_name()
        self.lam.create_function(
            FunctionName=name, Runtime=runtime, Role=ROLE, Handler=handler,
            Code={"ZipFile": zip_bytes if zip_bytes is not None else handler_zip(source)},
            **kwargs)
        self.created.append(name)
        return name

    def cleanup(self) -> None:
        for name in self.created:
            try:
                self.lam.delete_function(FunctionName=name)
            except self.lam.exceptions.ResourceNotFoundException:
                pass


def call(lam: Any, name: str, event: Any = None, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
    """Invoke and decode: (payload as JSON, raw response)."""
    payload = orjson.dumps(event if event is not None else {})
    response = lam.invoke(FunctionName=name, Payload=payload, **kwargs)
    body = response["Payload"].read()
    return (orjson.loads(body) if body else None), response


class Private:
    """A server of the module's own (for tests that move the clock)."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "headwater", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE, text=True, env=dict(os.environ))
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        assert self.url.startswith("http://"), self.url
        self.http = urllib3.PoolManager()

    def advance(self, seconds: float) -> None:
        response = self.http.request("POST", f"{self.url}/_headwater/clock",
                                     body=orjson.dumps({"advance": seconds}))
        assert response.status == 200

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False
