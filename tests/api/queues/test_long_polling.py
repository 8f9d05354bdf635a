"""ReceiveMessage long polling: woken by sends, by delays ending and by clock advances."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from server_support import Server


class Poll(threading.Thread):
    def __init__(self, sqs: Any, **kwargs: Any) -> None:
        super().__init__(daemon=True)
        self.sqs, self.kwargs = sqs, kwargs
        self.result: dict[str, Any] = {}

    def run(self) -> None:
        self.result = self.sqs.receive_message(**self.kwargs)


def test_long_poll_is_woken_by_a_send(hw: Server, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    poll = Poll(hw.client("sqs"), QueueUrl=url, WaitTimeSeconds=20)
    poll.start()
    time.sleep(0.3)
    assert poll.is_alive()
    hw.client("sqs").send_message(QueueUrl=url, MessageBody="wake up")
    poll.join(10)
    assert not poll.is_alive()
    assert [m["Body"] for m in poll.result["Messages"]] == ["wake up"]


def test_queue_wait_time_is_the_default(hw: Server, make_queue: Callable[..., str]) -> None:
    url = make_queue(ReceiveMessageWaitTimeSeconds="20")
    poll = Poll(hw.client("sqs"), QueueUrl=url)
    poll.start()
    time.sleep(0.3)
    assert poll.is_alive()
    hw.client("sqs").send_message(QueueUrl=url, MessageBody="default wait")
    poll.join(10)
    assert poll.result["Messages"][0]["Body"] == "default wait"


@pytest.mark.local_only
def test_long_poll_ends_when_the_clock_passes_the_wait(hw: Server,
                                                       make_queue: Callable[..., str]) -> None:
    url = make_queue()
    poll = Poll(hw.client("sqs"), QueueUrl=url, WaitTimeSeconds=20)
    poll.start()
    time.sleep(0.3)
    hw.advance(21)
    poll.join(10)
    assert not poll.is_alive()
    assert "Messages" not in poll.result


@pytest.mark.local_only
def test_long_poll_returns_a_message_whose_delay_ends(hw: Server,
                                                      make_queue: Callable[..., str]) -> None:
    url = make_queue()
    sqs = hw.client("sqs")
    sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=60)
    poll = Poll(hw.client("sqs"), QueueUrl=url, WaitTimeSeconds=20)
    poll.start()
    time.sleep(0.3)
    hw.advance(61)
    poll.join(10)
    assert poll.result["Messages"][0]["Body"] == "delayed"


def test_short_poll_returns_at_once(hw: Server, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    # No wait: the poll is over long before the 20 s a long poll would take.
    poll = Poll(hw.client("sqs"), QueueUrl=url)
    poll.start()
    poll.join(10)
    assert not poll.is_alive()
    assert "Messages" not in poll.result
