"""logs/tail.py: the `headwater logs` loop prints each event once, and follows."""

from __future__ import annotations

from typing import Any

import pytest

from headwater.logs.tail import group_name, tail


class FakeClient:
    class exceptions:  # noqa: N801 - mirrors botocore's attribute
        class ResourceNotFoundException(Exception):
            pass

    def __init__(self, batches: list[list[dict[str, Any]]]) -> None:
        self.batches = batches
        self.calls: list[dict[str, Any]] = []

    def get_paginator(self, name: str) -> Any:
        assert name == "filter_log_events"
        client = self

        class Paginator:
            def paginate(self, **kwargs: Any) -> list[dict[str, Any]]:
                client.calls.append(kwargs)
                return [{"events": client.batches.pop(0) if client.batches else []}]

        return Paginator()


def event(n: int) -> dict[str, Any]:
    return {"eventId": str(n), "timestamp": 1_700_000_000_000 + n, "logStreamName": "s",
            "message": f"line {n}"}


def test_group_name() -> None:
    assert group_name("fn") == "/aws/lambda/fn"
    assert group_name("fn:live") == "/aws/lambda/fn"
    assert group_name("arn:aws:lambda:us-east-1:000000000000:function:fn:3") == "/aws/lambda/fn"


def test_follow_prints_new_events_once() -> None:
    client = FakeClient([[event(1), event(2)], [event(2), event(3)]])
    printed: list[str] = []
    polls = 0

    def sleep(_: float) -> None:
        nonlocal polls
        polls += 1
        if polls == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        tail(client, "/aws/lambda/fn", True, None, printed.append, sleep)
    assert [line.split(" ", 2)[2] for line in printed] == ["line 1", "line 2", "line 3"]
    assert client.calls[1]["startTime"] == 1_700_000_000_002
