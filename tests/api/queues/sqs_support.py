"""Helpers for the SQS and SNS API tests: a private server (these tests move its clock),
boto3 clients, the clock, and the error dict of a failing call."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import boto3
import orjson
import pytest
import urllib3
from botocore.config import Config
from botocore.exceptions import ClientError

CREDENTIALS = {"aws_access_key_id": "AKIDTEST", "aws_secret_access_key": "secret",
               "region_name": "us-east-1"}


class Private:
    """`headwater serve --port 0 ARGS` of a test module's own."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "headwater", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE, text=True, env=dict(os.environ),
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.process.kill()
            raise RuntimeError(f"headwater did not start: {self.url!r}")
        self.http = urllib3.PoolManager()

    def client(self, service: str, **overrides: Any) -> Any:
        config = Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=60)
        return boto3.client(service, endpoint_url=self.url, config=config,
                            **{**CREDENTIALS, **overrides})

    def advance(self, seconds: float) -> float:
        response = self.http.request("POST", f"{self.url}/_headwater/clock",
                                     body=orjson.dumps({"advance": seconds}))
        assert response.status == 200, response.data
        return float(orjson.loads(response.data)["now"])

    def now(self) -> float:
        response = self.http.request("GET", f"{self.url}/_headwater/clock")
        return float(orjson.loads(response.data)["now"])

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
        self.http.clear()


def error_of(call: Callable[[], Any]) -> dict[str, Any]:
    """The botocore error dict (plus HTTP status and the raw query-error header) of a call
    expected to fail."""
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    headers = response["ResponseMetadata"].get("HTTPHeaders", {})
    return {**response["Error"], "Status": response["ResponseMetadata"]["HTTPStatusCode"],
            "QueryError": headers.get("x-amzn-query-error")}
