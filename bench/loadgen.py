"""A light closed-loop HTTP/1.1 load generator for JSON 1.0 (DynamoDB) requests.

Each worker process drives several keep-alive connections from one `selectors` loop over raw
sockets: request bytes are a pre-built header block plus a body made by concatenating pre-encoded
pieces, and responses are parsed only far enough to find their end (status line and
Content-Length). That costs a few microseconds of client CPU per request, so the server under test,
not the client, is what the figures measure. A connection the server closes (moto answers
`Connection: close` to everything) is reopened, and the reconnect counts in that request's latency.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import random
import selectors
import socket
import time
from dataclasses import dataclass, field
from typing import Any

# A fixed, syntactically valid SigV4 header: servers read account and region from it but do not
# verify the signature (neither Headwater nor moto nor dynalite do).
AUTHORIZATION = (
    "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, "
    "SignedHeaders=host, Signature=00"
)


def request_head(host: str, target: str) -> bytes:
    """Everything before Content-Length: the header block shared by every request."""
    return (
        f"POST / HTTP/1.1\r\nHost: {host}\r\n"
        f"X-Amz-Target: DynamoDB_20120810.{target}\r\n"
        "Content-Type: application/x-amz-json-1.0\r\n"
        f"Authorization: {AUTHORIZATION}\r\n"
        "X-Amz-Date: 20260101T000000Z\r\n"
        "Content-Length: "
    ).encode()


@dataclass(frozen=True)
class Signer:
    """Real SigV4 signatures (a server that verifies them: --credentials, --enforce-iam), one per
    request since the body's hash is signed; costs ~20 us of client CPU a request."""

    access_key: str
    secret: str
    region: str = "us-east-1"

    def head(self, host: str, target: str, body: bytes, date: str) -> bytes:
        from headwater.wire.sigv4 import canonical_request, signature

        headers = {"content-type": "application/x-amz-json-1.0", "host": host,
                   "x-amz-date": date, "x-amz-target": f"DynamoDB_20120810.{target}"}
        names = sorted(headers)
        canonical = canonical_request("POST", "/", "", headers, names,
                                      hashlib.sha256(body).hexdigest())
        scope = f"{date[:8]}/{self.region}/dynamodb/aws4_request"
        signed = signature(self.secret, date, scope, canonical)
        return (
            f"POST / HTTP/1.1\r\nHost: {host}\r\n"
            f"X-Amz-Target: DynamoDB_20120810.{target}\r\n"
            "Content-Type: application/x-amz-json-1.0\r\n"
            f"Authorization: AWS4-HMAC-SHA256 Credential={self.access_key}/{scope}, "
            f"SignedHeaders={';'.join(names)}, Signature={signed}\r\n"
            f"X-Amz-Date: {date}\r\n"
            "Content-Length: "
        ).encode()


@dataclass
class Workload:
    """What one measurement sends: `body(proc, n)` pieces are pre-encoded bytes."""

    target: str            # PutItem or GetItem
    prefix: bytes          # body before the key
    suffix: bytes          # body after the key
    key_space: list[int] = field(default_factory=list)  # per process: keys 0..count-1 exist (Get)
    signer: Signer | None = None  # None: the fixed, unverified AUTHORIZATION header

    def body(self, proc: int, n: int) -> bytes:
        return self.prefix + f"p{proc}-{n}".encode() + self.suffix


def put_workload(table: str, item_bytes: int) -> Workload:
    """PutItem of ~item_bytes items: key, a padding string, a number, a bool and a string set."""
    filler = "x" * max(0, item_bytes - 60)
    prefix = f'{{"TableName":"{table}","Item":{{"pk":{{"S":"'.encode()
    suffix = (
        f'"}},"data":{{"S":"{filler}"}},"n":{{"N":"12345.678"}},"ok":{{"BOOL":true}},'
        f'"tags":{{"SS":["a","b","c"]}}}}}}'
    ).encode()
    return Workload("PutItem", prefix, suffix)


def get_workload(table: str, key_space: list[int]) -> Workload:
    prefix = f'{{"TableName":"{table}","Key":{{"pk":{{"S":"'.encode()
    return Workload("GetItem", prefix, b'"}}}', key_space=key_space)


@dataclass
class Result:
    requests: int = 0        # completed inside the measurement window
    errors: int = 0          # non-200 responses inside the window
    reconnects: int = 0
    latencies: list[float] = field(default_factory=list)
    keys_written: int = 0    # per process: keys p{proc}-0 .. -(n-1) now exist (PutItem)
    cpu_seconds: float = 0.0  # client CPU spent by this worker
    first_error: str = ""


class _Conn:
    __slots__ = ("sock", "buf", "started", "expect", "status", "close_after", "body_start")

    def __init__(self) -> None:
        self.sock: socket.socket | None = None
        self.buf = bytearray()
        self.started = 0.0
        self.expect = -1
        self.status = 0
        self.close_after = False
        self.body_start = 0


def _connect(address: tuple[str, int]) -> socket.socket:
    sock = socket.create_connection(address)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _parse_head(conn: _Conn) -> bool:
    """Parse status line and headers once they are complete; False while incomplete."""
    end = conn.buf.find(b"\r\n\r\n")
    if end < 0:
        return False
    head = bytes(conn.buf[:end]).decode("latin-1").split("\r\n")
    version, status = head[0].split(" ", 2)[:2]
    conn.status = int(status)
    conn.close_after = version == "HTTP/1.0"
    conn.expect = -1
    for line in head[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            conn.expect = int(value)
        elif name == "connection":
            value = value.strip().lower()
            conn.close_after = value == "close" or (version == "HTTP/1.0" and value != "keep-alive")
    conn.body_start = end + 4
    return True


def run_worker(
    proc: int, address: tuple[str, int], workload: Workload, connections: int,
    start_at: float, warmup: float, duration: float, out: Any,
) -> None:
    """Drive `connections` connections until start_at + warmup + duration; send a Result."""
    host = f"{address[0]}:{address[1]}"
    head = request_head(host, workload.target)
    signer = workload.signer
    date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    result = Result()
    cpu0 = os.times()
    rng = random.Random(proc)
    keys = workload.key_space[proc] if workload.key_space else 0
    counter = 0
    window_start = start_at + warmup
    deadline = window_start + duration
    selector = selectors.DefaultSelector()
    conns = [_Conn() for _ in range(connections)]

    def send(conn: _Conn) -> None:
        nonlocal counter
        if conn.sock is None:
            conn.sock = _connect(address)
            selector.register(conn.sock, selectors.EVENT_READ, conn)
        if keys:
            body = workload.body(proc, rng.randrange(keys))
        else:
            body = workload.body(proc, counter)
            counter += 1
        conn.buf.clear()
        conn.status = 0
        start = head if signer is None else signer.head(host, workload.target, body, date)
        conn.sock.sendall(start + str(len(body)).encode() + b"\r\n\r\n" + body)

    def reopen(conn: _Conn) -> None:
        if conn.sock is not None:
            selector.unregister(conn.sock)
            conn.sock.close()
            conn.sock = None
        result.reconnects += 1

    while time.perf_counter() < start_at:
        time.sleep(0.001)
    for conn in conns:
        conn.started = time.perf_counter()
        send(conn)
    now = time.perf_counter()
    while now < deadline:
        for key, _ in selector.select(timeout=max(0.0, deadline - now)):
            conn = key.data
            try:
                chunk = conn.sock.recv(262144)
            except ConnectionError:
                chunk = b""
            if chunk:
                conn.buf += chunk
                if not conn.status and not _parse_head(conn):
                    continue
                if conn.expect < 0 or len(conn.buf) - conn.body_start < conn.expect:
                    continue
            elif not conn.status or conn.expect >= 0:
                # Closed before a complete response: reconnect and resend, not a result.
                reopen(conn)
                send(conn)
                continue
            done = time.perf_counter()
            if conn.started >= window_start and done <= deadline:
                result.requests += 1
                result.latencies.append(done - conn.started)
                if conn.status != 200:
                    result.errors += 1
                    if not result.first_error:
                        result.first_error = f"{conn.status} {bytes(conn.buf[-300:])!r}"
            if conn.close_after or not chunk:
                reopen(conn)
            conn.started = done
            if done < deadline:
                send(conn)
        now = time.perf_counter()
    for conn in conns:
        if conn.sock is not None:
            conn.sock.close()
    cpu1 = os.times()
    result.cpu_seconds = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    result.keys_written = counter
    out.put((proc, result))


@dataclass
class Measurement:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    reconnects: int
    client_cpu: float        # client CPU seconds per wall second (1.0 = one core busy)
    keys_written: list[int]
    first_error: str


def measure(
    address: tuple[str, int], workload: Workload, *, clients: int, processes: int,
    warmup: float, duration: float,
) -> Measurement:
    """Run `clients` connections spread over `processes` worker processes; aggregate."""
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    start_at = time.perf_counter() + 0.3
    per_proc = [clients // processes + (1 if i < clients % processes else 0)
                for i in range(processes)]
    workers = [
        ctx.Process(target=run_worker, args=(i, address, workload, n, start_at, warmup,
                                             duration, out), daemon=True)
        for i, n in enumerate(per_proc) if n
    ]
    for worker in workers:
        worker.start()
    results: dict[int, Result] = {}
    limit = time.monotonic() + warmup + duration + 30
    while len(results) < len(workers) and time.monotonic() < limit:
        try:
            proc, result = out.get(timeout=1)
        except Exception:
            if not any(w.is_alive() for w in workers):
                break
            continue
        results[proc] = result
    for worker in workers:
        worker.join(5)
        if worker.is_alive():
            worker.kill()
    if len(results) < len(workers):
        raise RuntimeError(f"only {len(results)} of {len(workers)} client workers reported")
    latencies = sorted(x for r in results.values() for x in r.latencies)
    requests = sum(r.requests for r in results.values())

    def quantile(q: float) -> float:
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    return Measurement(
        requests_per_second=requests / duration,
        p50_ms=quantile(0.50),
        p99_ms=quantile(0.99),
        requests=requests,
        errors=sum(r.errors for r in results.values()),
        reconnects=sum(r.reconnects for r in results.values()),
        client_cpu=sum(r.cpu_seconds for r in results.values()) / (warmup + duration + 0.3),
        keys_written=[results[i].keys_written if i in results else 0 for i in range(processes)],
        first_error=next((r.first_error for r in results.values() if r.first_error), ""),
    )
