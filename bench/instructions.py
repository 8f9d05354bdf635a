"""Instructions the server executes per request (callgrind), for a machine too noisy to time.

    .venv/bin/python bench/instructions.py [--base DIR] [--op OPERATION] [--stream]
                                           [--requests 2000] [--connections 1]

OPERATION: PutItem (the default), GetItem, UpdateItem, DeleteItem, BatchWriteItem,
TransactWriteItems or ExecuteStatement
(`requests_for` says what each request does).

Starts two `headwater serve` (on disk) under `valgrind --tool=callgrind --instr-atstart=no`,
creates a table in each, warms up, then switches instrumentation on with `callgrind_control`
in both for exactly `--requests` requests sent to one of them, one after another over one
keep-alive connection (~1 KB items as in bench/dynamodb_items.py; GetItem reads the keys the
warm-up wrote), and off again. The busy server's count minus the idle one's (the background
work both do meanwhile) is the server's user-space instructions per request over the whole
path (HTTP, routing, validation, the operation, SQLite, metrics), repeatable to about 1% where
CPU time on a shared machine swings by 2x. It does not count the kernel (syscalls, page
cache) or cache misses, so it complements, never replaces, bench/dynamodb_items.py and
bench/compare.py.
With `--connections N` the measured requests go N at a time, one on each of N connections,
each round's answers read before the next round is sent: the server then takes them in one
loop iteration and group-commits them together, as under bench/dynamodb_items.py's 8 clients
(one connection: every write commits alone).
With `--base DIR`, DIR/src is measured instead of this tree (`git archive COMMIT src | tar -x
-C DIR`). Needs valgrind; takes a minute or two per run (the server starts slowly under it).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import AUTHORIZATION, Workload, put_workload  # noqa: E402
from peers import create_table  # noqa: E402

HERE = Path(__file__).resolve().parent.parent
COLLECTED = re.compile(r"Collected : (\d+)")


def request(target: str, body: bytes) -> bytes:
    return (f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: DynamoDB_20120810.{target}\r\n"
            f"Content-Type: application/x-amz-json-1.0\r\nAuthorization: {AUTHORIZATION}\r\n"
            f"X-Amz-Date: 20260101T000000Z\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode() + body


def send_all(address: tuple[str, int], requests: list[bytes], connections: int = 1) -> None:
    """The requests `connections` at a time, one on each connection, reading each round's
    answers before sending the next round (one connection: each in turn)."""
    conns = [socket.create_connection(address) for _ in range(connections)]
    try:
        for conn in conns:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for start in range(0, len(requests), connections):
            batch = list(zip(conns, requests[start:start + connections]))
            for conn, raw in batch:
                conn.sendall(raw)
            for conn, _raw in batch:
                read_answer(conn)
    finally:
        for conn in conns:
            conn.close()


def read_answer(conn: socket.socket) -> None:
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        buffer += conn.recv(65536)
    head, _, body = buffer.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"answered {head[:200]!r}")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
    while len(body) < length:
        body += conn.recv(65536)


class Server:
    """`headwater serve` on a temporary data directory under callgrind, instrumentation off."""

    def __init__(self, source: Path) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix="hw-instr-"))
        self.log = self.data_dir.parent / f"{self.data_dir.name}.valgrind"
        env = {**os.environ, "PYTHONPATH": str(source / "src")}
        self.process = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no",
             "--callgrind-out-file=/dev/null", f"--log-file={self.log}",
             sys.executable, "-m", "headwater", "serve", "--port", "0",
             "--data-dir", str(self.data_dir)], stdout=subprocess.PIPE, env=env)
        assert self.process.stdout is not None
        line = self.process.stdout.readline().decode().strip()
        host, port = line.removeprefix("http://").rsplit(":", 1)
        self.address = (host, int(port))

    def instrument(self, on: bool) -> None:
        subprocess.run(["callgrind_control", f"--instr={'on' if on else 'off'}",
                        str(self.process.pid)], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    def stop(self) -> int:
        """Stop it; the instructions counted while instrumented."""
        self.process.terminate()
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.data_dir, ignore_errors=True)
        found = COLLECTED.search(self.log.read_text()) if self.log.exists() else None
        self.log.unlink(missing_ok=True)
        if found is None:
            raise RuntimeError("callgrind reported no count")
        return int(found.group(1))


def measure(source: Path, op: str, stream: bool, count: int, connections: int = 1) -> float:
    """Instructions per request: a busy server's count minus an idle twin's over the same
    window, which takes out the background work (flushes, polls, checkpoints) that runs ~50
    times slower under callgrind and so would weigh on each request ~50 times too much."""
    busy, idle = Server(source), Server(source)
    try:
        for server in (busy, idle):
            create_table(server.address, "bench", stream=stream)
        workload = put_workload("bench", 1000)
        warm = 300
        puts = [request("PutItem", workload.body(0, n)) for n in range(warm + count)]
        # DeleteItem deletes `count` items: every one is written first.
        stored = warm + count if op == "DeleteItem" else warm
        send_all(busy.address, puts[:stored])
        send_all(idle.address, puts[:stored])
        measured = requests_for(op, workload, puts, warm, count)
        if op == "GetItem":
            send_all(busy.address, measured[:50])
        idle.instrument(True)
        busy.instrument(True)
        send_all(busy.address, measured, connections)
        busy.instrument(False)
        idle.instrument(False)
    finally:
        counts = [server.stop() for server in (busy, idle)]
    return (counts[0] - counts[1]) / count


def requests_for(op: str, workload: Workload, puts: list[bytes], warm: int, count: int
                 ) -> list[bytes]:
    """The measured requests: PutItem of new keys; GetItem and UpdateItem (one attribute SET,
    the ~1 KB item read and written again) of the keys the warm-up wrote, in turn; DeleteItem
    of the items written before; BatchWriteItem of four new ~1 KB items each,
    TransactWriteItems of two; ExecuteStatement a PartiQL UPDATE as UpdateItem's."""
    if op == "PutItem":
        return puts[warm:]
    if op == "GetItem":
        return [request("GetItem", b'{"TableName":"bench","Key":{"pk":{"S":"p0-%d"}}}'
                        % (n % warm)) for n in range(count)]
    if op == "UpdateItem":
        return [request("UpdateItem", b'{"TableName":"bench","Key":{"pk":{"S":"p0-%d"}},'
                        b'"UpdateExpression":"SET n = :n",'
                        b'"ExpressionAttributeValues":{":n":{"N":"%d"}}}' % (n % warm, n))
                for n in range(count)]
    if op == "ExecuteStatement":
        return [request("ExecuteStatement", b'{"Statement":"UPDATE \\"bench\\" SET n = %d '
                        b'WHERE pk = \'p0-%d\'"}' % (n, n % warm)) for n in range(count)]
    if op == "DeleteItem":
        return [request("DeleteItem", b'{"TableName":"bench","Key":{"pk":{"S":"p0-%d"}}}' % n)
                for n in range(count)]
    if op == "TransactWriteItems":
        return [request("TransactWriteItems", b'{"TransactItems":[%s]}' % b",".join(
                    b'{"Put":%s}' % workload.body(2, 2 * n + i) for i in range(2)))
                for n in range(count)]
    return [request("BatchWriteItem", b'{"RequestItems":{"bench":[%s]}}' % b",".join(
                b'{"PutRequest":%s}' % workload.body(1, 4 * n + i)[len(b'{"TableName":"bench",'):]
                .replace(b'"Item":', b'{"Item":', 1)
                for i in range(4))) for n in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, help="measure DIR/src instead of this tree")
    parser.add_argument("--op", default="PutItem", choices=[
        "PutItem", "GetItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
        "TransactWriteItems", "ExecuteStatement"])
    parser.add_argument("--stream", action="store_true", help="a NEW_AND_OLD_IMAGES stream")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=1,
                        help="send the measured requests this many at a time (group commits)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        sys.exit("valgrind (callgrind) is not installed")
    source = args.base or HERE
    started = time.monotonic()
    per_request = measure(source, args.op, args.stream, args.requests, args.connections)
    print(f"{source} {args.op}{' stream' if args.stream else ''}: {per_request:,.0f} "
          f"instructions per request ({args.requests} requests"
          f"{f' over {args.connections} connections' if args.connections > 1 else ''}, "
          f"{time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
