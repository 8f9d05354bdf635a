"""Helpers for the Lambda API tests: deployment packages from source text and a function
factory. (Clients and private servers come from tests/server_support.py.)"""

from __future__ import annotations

import io
import textwrap
import uuid
import zipfile
from collections.abc import Callable
from contextlib import suppress
from typing import Any

import orjson

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
# The runtime most tests use; its boto3 is the pinned one from Headwater's cache
# (functions/runtime_sdk.py), filled by tests/conftest.py's session fixture.
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
            with suppress(self.lam.exceptions.ResourceNotFoundException):
                self.lam.delete_function(FunctionName=name)


def call(lam: Any, name: str, event: Any = None, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
    """Invoke and decode: (payload as JSON, raw response)."""
    payload = orjson.dumps(event if event is not None else {})
    response = lam.invoke(FunctionName=name, Payload=payload, **kwargs)
    body = response["Payload"].read()
    return (orjson.loads(body) if body else None), response


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False
