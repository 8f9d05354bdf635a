"""The Runtime API routes of one execution environment, without a worker process: the /next
long poll against invocations that arrive before and after it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from headwater.functions.environment import API, Environment, Invocation, Spec
from headwater.http.server import Request


def _request(method: str, path: str, body: bytes = b"") -> Request:
    return Request(method, f"{API}{path}", "", {}, body, ("127.0.0.1", 0))


def _environment() -> Environment:
    return Environment("key", Spec([], Path("."), {}, python=True, log_stream="stream"))


async def _invoke_while_next_is_pending() -> dict[str, Any]:
    env = _environment()
    # The server runs an awaitable answer in a task of its own; an invoke that lands before that
    # task starts must still reach this poll rather than be queued behind it.
    pending = env._route(_request("GET", "/invocation/next"))
    assert not isinstance(pending, tuple)
    run = asyncio.create_task(env.run(Invocation("r1", b'{"a":1}', "arn", 0, None), 5.0))
    await asyncio.sleep(0)
    status, headers, body = await asyncio.wait_for(pending, 2.0)
    posted = env._route(_request("POST", "/invocation/r1/response", b'"done"'))
    return {"next": (status, dict(headers), body), "posted": posted, "result": await run}


async def _invoke_before_next() -> Any:
    env = _environment()
    run = asyncio.create_task(env.run(Invocation("r2", b"{}", "arn", 0, None), 5.0))
    await asyncio.sleep(0)
    return env._route(_request("GET", "/invocation/next")), run.cancel()


def test_next_gets_an_invoke_that_arrives_before_its_task_starts() -> None:
    out = asyncio.run(_invoke_while_next_is_pending())
    status, headers, body = out["next"]
    assert (status, body) == (200, b'{"a":1}')
    assert headers[b"lambda-runtime-aws-request-id"] == b"r1"
    assert out["posted"][0] == 202
    assert out["result"] == (b'"done"', None)


def test_next_answers_at_once_when_an_invoke_is_queued() -> None:
    answer, _ = asyncio.run(_invoke_before_next())
    assert isinstance(answer, tuple) and answer[0] == 200
    assert dict(answer[1])[b"lambda-runtime-aws-request-id"] == b"r2"
