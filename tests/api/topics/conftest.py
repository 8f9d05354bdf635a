"""Fixtures for the SNS tests: a server of their own with SNS and SQS clients, and uniquely
named topics and queues removed afterwards. The SNS tests' helpers come from the SQS tests'
sqs_support (put on sys.path here)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from server_support import Server, serving

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "queues"))


@pytest.fixture(scope="session")
def sns_hw() -> Iterator[Server]:
    yield from serving("--in-memory")


@pytest.fixture(scope="session")
def sns(sns_hw: Server) -> Any:
    return sns_hw.client("sns")


@pytest.fixture(scope="session")
def sns_sqs(sns_hw: Server) -> Any:
    return sns_hw.client("sqs")


@pytest.fixture
def make_topic(sns: Any, unique: Callable[[str], str]) -> Iterator[Callable[[], str]]:
    created: list[str] = []

    def make() -> str:
        arn = str(sns.create_topic(Name=unique("topic"))["TopicArn"])
        created.append(arn)
        return arn

    yield make
    for arn in created:
        sns.delete_topic(TopicArn=arn)


@pytest.fixture
def make_queue_arn(sns_sqs: Any, unique: Callable[[str], str]
                   ) -> Iterator[Callable[[], tuple[str, str]]]:
    """Create a queue; returns (URL, ARN)."""
    created: list[str] = []

    def make() -> tuple[str, str]:
        url = str(sns_sqs.create_queue(QueueName=unique("q"))["QueueUrl"])
        created.append(url)
        arn = sns_sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        return url, str(arn)

    yield make
    for url in created:
        sns_sqs.delete_queue(QueueUrl=url)
