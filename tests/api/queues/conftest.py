"""Fixtures for the SQS tests: a server of their own (they move its clock), a client, and
uniquely named queues removed afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

import pytest
from server_support import Server, serving


@pytest.fixture(scope="session")
def hw() -> Iterator[Server]:
    yield from serving("--in-memory")


@pytest.fixture(scope="session")
def sqs(hw: Server) -> Any:
    return hw.client("sqs")


@pytest.fixture
def make_queue(sqs: Any, unique: Callable[[str], str]) -> Iterator[Callable[..., str]]:
    """Create a uniquely named queue (attributes as keyword arguments); returns its URL."""
    created: list[str] = []

    def make(prefix: str = "q", **attributes: str) -> str:
        kwargs: dict[str, Any] = {"Attributes": attributes} if attributes else {}
        url = sqs.create_queue(QueueName=unique(prefix), **kwargs)["QueueUrl"]
        created.append(url)
        return str(url)

    yield make
    for url in created:
        with suppress(sqs.exceptions.QueueDoesNotExist):
            sqs.delete_queue(QueueUrl=url)
