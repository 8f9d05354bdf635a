"""Fixtures for stream trigger tests: functions from inline handler source, tables with
streams, and mappings that are deleted afterwards. (The lam, sqs and sns clients come from
tests/conftest.py.)"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
from server_support import Clock, Server, serving, session_client
from triggers_support import HOST_FILES, RECORDING_HANDLER, ROLE, settle, zip_source


# The handlers here write what they receive to files the tests read (and read the files that
# make them fail), so their workers must see the host's files: a server of their own with
# worker isolation off, and the clients the tests use pointed at it.
@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    yield from serving("--in-memory", *HOST_FILES)


@pytest.fixture(scope="session")
def endpoint(server: Server) -> str:
    return server.url


ddb = session_client("ddb", "dynamodb")
streams = session_client("streams", "dynamodbstreams")
lam = session_client("lam", "lambda")
logs = session_client("logs", "logs")
sqs = session_client("sqs", "sqs")
sns = session_client("sns", "sns")


@pytest.fixture(scope="session")
def clock(endpoint: str) -> Clock:
    return Clock(endpoint)


@pytest.fixture
def make_function(lam: Any, unique: Callable[[str], str]) -> Iterator[Callable[..., str]]:
    created: list[str] = []

    def make(source: str = RECORDING_HANDLER, env: dict[str, str] | None = None,
             timeout: int = 10) -> str:
        name = unique("fn")
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE,
                            Handler="handler.handler", Code={"ZipFile": zip_source(source)},
                            Timeout=timeout, Environment={"Variables": env or {}})
        created.append(name)
        return name

    yield make
    for name in created:
        with suppress(lam.exceptions.ResourceNotFoundException):
            lam.delete_function(FunctionName=name)


@pytest.fixture
def recording(make_function: Callable[..., str], tmp_path: Path
              ) -> Callable[[], tuple[str, Path]]:
    """A function that appends every event it receives to a file: (name, file)."""
    counter = iter(range(1000))

    def make() -> tuple[str, Path]:
        out = tmp_path / f"events-{next(counter)}.jsonl"
        return make_function(env={"OUT": str(out)}), out

    return make


@pytest.fixture
def stream_table(ddb: Any, make_table: Callable[..., str]) -> Callable[..., tuple[str, str]]:
    """A table with a NEW_AND_OLD_IMAGES stream: (name, stream ARN)."""

    def make(view: str = "NEW_AND_OLD_IMAGES") -> tuple[str, str]:
        name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": view})
        arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
        return name, arn

    return make


@pytest.fixture
def make_mapping(lam: Any) -> Iterator[Callable[..., dict[str, Any]]]:
    """Create a mapping and wait until it is Enabled (or Disabled when created disabled)."""
    created: list[str] = []

    def make(wait: bool = True, **request: Any) -> dict[str, Any]:
        request.setdefault("StartingPosition", "TRIM_HORIZON")
        mapping = lam.create_event_source_mapping(**request)
        created.append(mapping["UUID"])
        if wait:
            settle(lam, mapping["UUID"])
        return mapping  # type: ignore[no-any-return]

    yield make
    for uuid in created:
        with suppress(lam.exceptions.ResourceNotFoundException,
                      lam.exceptions.ResourceInUseException):
            lam.delete_event_source_mapping(UUID=uuid)

