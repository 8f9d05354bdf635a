"""Fixtures for the Lambda API tests: the session server's Lambda client as `lambda_`, a
function factory that cleans up, and a private server for clock-moving tests. (`logs` comes
from tests/conftest.py.)"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from functions_support import Factory
from server_support import Server, serving


@pytest.fixture(scope="session")
def lambda_(lam: Any) -> Any:
    """The session server's Lambda client (tests/conftest.py's `lam`)."""
    return lam


@pytest.fixture
def make_function(lambda_: Any) -> Iterator[Factory]:
    factory = Factory(lambda_)
    yield factory
    factory.cleanup()


@pytest.fixture(scope="module")
def private() -> Iterator[Server]:
    yield from serving("--in-memory")


@pytest.fixture
def make_queue(sqs: Any, unique: Callable[[str], str]) -> Iterator[Callable[[], tuple[str, str]]]:
    """Creates SQS queues (destinations, dead-letter queues), as (url, arn); deleted after."""
    urls: list[str] = []

    def make() -> tuple[str, str]:
        url = sqs.create_queue(QueueName=unique("queue"))["QueueUrl"]
        urls.append(url)
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        return url, arn

    yield make
    for url in urls:
        sqs.delete_queue(QueueUrl=url)
