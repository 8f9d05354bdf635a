"""Invoke, the in-process way (also behind the HTTP operation): resolve, throttle, run in a warm
or new execution environment, map outcomes to AWS's payloads (aws-facts §5.2), and write the
invocation's START/END/REPORT log. Timeouts use real elapsed time, not the clock."""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import math
import subprocess
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from headwater.functions import metrics
from headwater.functions.environment import KILLED, OUT_OF_MEMORY, Environment, Invocation
from headwater.functions.errors import (
    InvalidParameterValueException,
    InvalidRequestContentException,
    RequestTooLargeException,
    TooManyRequestsException,
)
from headwater.functions.invocation import InvokeResult
from headwater.functions.node_runtimes import NODE_RUNTIMES
from headwater.functions.pool import environment_key
from headwater.functions.sandbox import build_spec
from headwater.functions.settings import log_group

if TYPE_CHECKING:
    from headwater.functions.function_service import FunctionService
    from headwater.functions.invocation import Resolved

SYNC_LIMIT = 6 * 1024 * 1024
ASYNC_LIMIT = 1024 * 1024
INIT_TIMEOUT = 10.0
TAIL_BYTES = 4096
EVENT_BYTES = 256 * 1024  # a CloudWatch Logs event's limit: a longer line becomes several


async def invoke(functions: FunctionService, account: str, region: str, function_name: str,
                 payload: bytes, qualifier: str | None = None, *,
                 invocation_type: str = "RequestResponse", log_type: str | None = None,
                 client_context: str | None = None,
                 request_id: str | None = None, built: bool = False) -> InvokeResult:
    resolved = functions.resolve(account, region, function_name, qualifier)
    if invocation_type == "DryRun":
        return InvokeResult(204, b"", None, None, None)
    limit = ASYNC_LIMIT if invocation_type == "Event" else SYNC_LIMIT
    if len(payload) > limit:
        operation = "InvokeAsync" if invocation_type == "Event" else "InvokeFunction"
        raise RequestTooLargeException(
            f"Request must be smaller than {limit} bytes for the {operation} operation")
    if not built:
        _check_json(payload)
    if invocation_type == "Event":
        request_id = functions.events.enqueue(resolved, payload, request_id)
        metrics.by_function(functions.record, resolved.record.account, resolved.record.region,
                            resolved.record.name, "AsyncEventsReceived", 1)
        return InvokeResult(202, b"", None, None, None, request_id)
    context = _client_context(client_context)
    pool = functions.pool
    try:
        pool.admit(resolved)
    except TooManyRequestsException:
        metrics.throttled(functions.record, resolved)
        raise
    metrics.concurrency(functions.record, resolved, pool.inflight.get(resolved.record.id, 0),
                        pool.total, pool.unreserved())
    started = time.perf_counter()
    error = True
    ran: float | None = None
    try:
        result = await _run(functions, resolved, payload, log_type == "Tail", context,
                            request_id or str(uuid.uuid4()))
        error = result.function_error is not None
        ran = result.duration_ms
        return result
    finally:
        pool.release(resolved.record.id)
        # Duration is the handler's time (the REPORT line's), without a cold start's init
        metrics.invoked(functions.record, resolved,
                        (time.perf_counter() - started) * 1000 if ran is None else ran, error)


def _log_lines(output: str) -> list[str]:
    """The output's lines as log events, each at most EVENT_BYTES of UTF-8. Lines end at "\n"
    only, as Lambda splits them: a "\r" stays inside its event (Node.js runtimes write a
    multi-line message that way)."""
    events = []
    lines = output.split("\n")
    if lines[-1] == "":
        lines.pop()
    for line in lines:
        if len(line) * 4 <= EVENT_BYTES:
            events.append(line)
            continue
        raw = line.encode()
        while raw:
            piece = raw[:EVENT_BYTES].decode("utf-8", "ignore")  # not inside a character
            events.append(piece)
            raw = raw[len(piece.encode()):]
    return events


def _check_json(payload: bytes) -> None:
    if not payload:
        return
    try:
        orjson.loads(payload)
    except orjson.JSONDecodeError as error:
        raise InvalidRequestContentException(
            f"Could not parse request body into json: Could not parse payload into json: {error}")


def _client_context(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        decoded = base64.b64decode(raw, validate=True)
        orjson.loads(decoded)
    except (binascii.Error, ValueError):
        raise InvalidParameterValueException(
            "Client context must be a valid Base64-encoded JSON object.")
    if len(raw) > 3583:
        raise InvalidParameterValueException("Client context must be smaller than 3583 bytes.")
    return decoded.decode()


async def _run(functions: FunctionService, resolved: Resolved, payload: bytes, tail: bool,
               client_context: str | None, request_id: str) -> InvokeResult:
    pool = functions.pool
    config = resolved.config
    key = environment_key(resolved)
    started_ms = functions.clock.now_ms()
    env = pool.take_idle(key)
    queued = False
    if env is None:
        env = await pool.take_warm(key)
        queued = env is not None and pool.crowded()
    lines: list[str] = []
    init_ms: float | None = None
    error_type: str | None
    if env is None:
        # The runtime's SDK is installed once, on first use, before the environment's init.
        sdk = await functions.sdks.get(config["Runtime"])
        node_sdk = await _node_sdk(functions, config["Runtime"], lines)
        pool.make_room()
        env = Environment(key, build_spec(functions, resolved, uuid.uuid4().hex, sdk, node_sdk))
        pool.register(env)  # counted against the cap from now on
        cold = time.perf_counter()
        pool.start_began(key)
        try:
            failure = await _start(env, request_id)
        finally:
            pool.start_ended(key, time.perf_counter() - cold)
        init_ms = env.init_ms
        lines.extend(_log_lines(await env.output(0.5)))
        if failure is not None or env.init_error is not None or not env.alive:
            body, error_type = failure or env.init_error or _exit_error(env, request_id)
            lines.append(f"START RequestId: {request_id} Version: {resolved.version}")
            pool.forget(env)
            lines += _end(request_id, 0.0, config, env.max_memory_mb(), init_ms, "error",
                          error_type)
            return dataclasses.replace(
                _finish(functions, resolved, env, lines, body, "Unhandled", tail, request_id,
                        started_ms, len(lines)), duration_ms=0.0)
    lines.append(f"START RequestId: {request_id} Version: {resolved.version}")
    head = len(lines)
    timeout = float(config["Timeout"])
    # The deadline goes to the worker, which compares it with its own wall clock.
    deadline_ms = int((time.time() + timeout) * 1000)
    invocation = Invocation(request_id, payload or b"{}", resolved.invoked_arn, deadline_ms,
                            client_context)
    started = time.perf_counter()
    outcome = await env.run(invocation, timeout)
    duration = (time.perf_counter() - started) * 1000
    pool.observe_run(key, duration / 1000)
    status = None
    if outcome is None:
        env.kill()
        body = orjson.dumps({"errorMessage": f"RequestId: {request_id} Error: Task timed out "
                             f"after {timeout:.2f} seconds", "errorType": "Sandbox.Timedout"})
        error_type = "Sandbox.Timedout"
        lines.extend(_log_lines(await env.output()))
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(functions.clock.now()))
        lines.append(f"{stamp}Z {request_id} Task timed out after {timeout:.2f} seconds")
        status = "timeout"
        pool.forget(env)
        max_memory = env.max_memory_mb()
    else:
        body, error_type = outcome
        lines.extend(_log_lines(await env.output()))
        if error_type in ("Runtime.ExitError", OUT_OF_MEMORY):
            reason = KILLED if error_type == OUT_OF_MEMORY else env.exit_reason
            lines.append(f"RequestId: {request_id} Error: Runtime exited with error: {reason}")
            lines.append(error_type)
            status = "error"
        # Read before the environment goes to another invocation, which starts a new peak.
        max_memory = env.max_memory_mb()
        if pool.give_back(env):
            # Another invocation took the environment: let it start before this one's
            # bookkeeping (here and in the caller), so the worker is not idle meanwhile.
            await asyncio.sleep(0)
    lines += _end(request_id, duration, config, max_memory, init_ms, status, error_type)
    return dataclasses.replace(
        _finish(functions, resolved, env, lines, body, "Unhandled" if error_type else None,
                tail, request_id, started_ms, head), duration_ms=duration, queued=queued)


async def _node_sdk(functions: FunctionService, runtime: str, lines: list[str]) -> Path | None:
    """The JavaScript SDK a Node.js runtime's worker resolves, installed on first use (before the
    init phase, so its time is not the function's); None for other runtimes, or when it cannot
    be installed (said in the function's log)."""
    if runtime not in NODE_RUNTIMES:
        return None
    installed = await functions.node_sdk.ensure(runtime)
    if installed.problem is not None:
        lines.append(f"Headwater: {installed.problem}; the function runs without it.")
    return installed.root


async def _start(env: Environment, request_id: str) -> tuple[bytes, str] | None:
    try:
        await env.start()
    except (OSError, subprocess.SubprocessError) as error:
        # SubprocessError: the child's set-up (isolation.py's mounts) failed before exec.
        strerror = getattr(error, "strerror", None)
        message = (f"RequestId: {request_id} Error: fork/exec {env.spec.argv[0]}: "
                   f"{strerror.lower() if strerror else error}")
        return orjson.dumps({"errorType": "Runtime.InvalidEntrypoint",
                             "errorMessage": message}), "Runtime.InvalidEntrypoint"
    try:
        await asyncio.wait_for(asyncio.shield(env.ready), INIT_TIMEOUT)
    except TimeoutError:
        env.kill()
        return orjson.dumps({"errorType": "Sandbox.Timedout", "errorMessage":
                             f"RequestId: {request_id} Error: Task timed out after "
                             f"{INIT_TIMEOUT:.2f} seconds"}), "Sandbox.Timedout"
    return None


def _exit_error(env: Environment, request_id: str) -> tuple[bytes, str]:
    reason = KILLED if env.out_of_memory else env.exit_reason
    message = f"RequestId: {request_id} Error: Runtime exited with error: {reason}"
    kind = OUT_OF_MEMORY if env.out_of_memory else "Runtime.ExitError"
    return orjson.dumps({"errorType": kind, "errorMessage": message}), kind


def _end(request_id: str, duration: float, config: dict[str, object], max_memory_mb: int,
         init_ms: float | None, status: str | None, error_type: str | None) -> list[str]:
    report = (f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\t"
              f"Billed Duration: {max(1, math.ceil(duration))} ms\t"
              f"Memory Size: {config['MemorySize']} MB\tMax Memory Used: {max_memory_mb} MB")
    if init_ms is not None:
        report += f"\tInit Duration: {init_ms:.2f} ms"
    if status is not None:
        report += f"\tStatus: {status}"
        if error_type and status == "error":
            report += f"\tError Type: {error_type}"
    return [f"END RequestId: {request_id}", report]


def _finish(functions: FunctionService, resolved: Resolved, env: Environment, lines: list[str],
            body: bytes, function_error: str | None, tail: bool, request_id: str,
            started_ms: int, head: int) -> InvokeResult:
    """Store the log (init output and START at the start time, the rest at the end time)."""
    record = resolved.record
    ended_ms = functions.clock.now_ms()
    events = [(started_ms if i < head else ended_ms, line) for i, line in enumerate(lines)]
    functions.logs.append(record.account, record.region, log_group(resolved.config),
                          env.spec.log_stream, events)
    log_tail = None
    if tail:
        text = ("\n".join(lines) + "\n").encode()
        log_tail = base64.b64encode(text[-TAIL_BYTES:]).decode()
    return InvokeResult(200, body, function_error, resolved.version, log_tail, request_id)
