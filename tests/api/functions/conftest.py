"""Fixtures for the Lambda API tests: a Lambda client on the session server (`lambda_`), a
function factory that cleans up, and a private server for clock-moving tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from functions_support import Factory, Private, client, lambda_client


@pytest.fixture(scope="session")
def lambda_(endpoint: str) -> Any:
    return lambda_client(endpoint)


@pytest.fixture(scope="session")
def logs(endpoint: str) -> Any:
    return client("logs", endpoint)


@pytest.fixture
def make_function(lambda_: Any) -> Iterator[Factory]:
    factory = Factory(lambda_)
    yield factory
    factory.cleanup()


@pytest.fixture(scope="module")
def private() -> Iterator[Private]:
    running = Private("--in-memory")
    yield running
    running.stop()
