"""Instructions the server executes per request (callgrind), for a machine too noisy to time.

    .venv/bin/python bench/instructions.py [--base DIR] [--op PutItem|GetItem] [--stream]
                                           [--requests 2000]

Starts `headwater serve` (on disk) under `valgrind --tool=callgrind --instr-atstart=no`, creates
a table, warms up, then switches instrumentation on with `callgrind_control` for exactly
`--requests` requests sent one after another over one keep-alive connection (~1 KB items as in
bench/dynamodb_items.py; GetItem reads the keys the warm-up wrote) and off again. The count is
the server's user-space instructions per request over the whole path (HTTP, routing,
validation, the operation, SQLite, metrics), repeatable to well under 1% where CPU time on a
shared machine swings by 2x. It does not count the kernel (syscalls, page cache) or cache
misses, so it complements, never replaces, bench/dynamodb_items.py and bench/compare.py.
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

from loadgen import AUTHORIZATION, put_workload  # noqa: E402
from peers import create_table  # noqa: E402

HERE = Path(__file__).resolve().parent.parent
COLLECTED = re.compile(r"Collected : (\d+)")


def request(target: str, body: bytes) -> bytes:
    return (f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: DynamoDB_20120810.{target}\r\n"
            f"Content-Type: application/x-amz-json-1.0\r\nAuthorization: {AUTHORIZATION}\r\n"
            f"X-Amz-Date: 20260101T000000Z\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode() + body


def send_all(address: tuple[str, int], requests: list[bytes]) -> None:
    """Each request in turn on one connection, reading each answer before the next."""
    with socket.create_connection(address) as conn:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for raw in requests:
            conn.sendall(raw)
            buffer = b""
            while b"\r\n\r\n" not in buffer:
                buffer += conn.recv(65536)
            head, _, body = buffer.partition(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"answered {head[:200]!r}")
            length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
            while len(body) < length:
                body += conn.recv(65536)


def measure(source: Path, op: str, stream: bool, count: int) -> float:
    data_dir = Path(tempfile.mkdtemp(prefix="hw-instr-"))
    log = data_dir.parent / f"{data_dir.name}.valgrind"
    env = {**os.environ, "PYTHONPATH": str(source / "src")}
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
               "--callgrind-out-file=/dev/null", f"--log-file={log}",
               sys.executable, "-m", "headwater", "serve", "--port", "0",
               "--data-dir", str(data_dir)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env=env)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode().strip()
        host, port = line.removeprefix("http://").rsplit(":", 1)
        address = (host, int(port))
        create_table(address, "bench", stream=stream)
        workload = put_workload("bench", 1000)
        warm = 300
        puts = [request("PutItem", workload.body(0, n)) for n in range(warm + count)]
        send_all(address, puts[:warm])
        if op == "PutItem":
            measured = puts[warm:]
        else:
            measured = [request("GetItem", b'{"TableName":"bench","Key":{"pk":{"S":"p0-%d"}}}'
                                % (n % warm)) for n in range(count)]
            send_all(address, measured[:50])
        subprocess.run(["callgrind_control", "--instr=on", str(process.pid)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        send_all(address, measured)
        subprocess.run(["callgrind_control", "--instr=off", str(process.pid)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(data_dir, ignore_errors=True)
    found = COLLECTED.search(log.read_text())
    log.unlink()
    if found is None:
        raise RuntimeError("callgrind reported no count")
    return int(found.group(1)) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, help="measure DIR/src instead of this tree")
    parser.add_argument("--op", choices=["PutItem", "GetItem"], default="PutItem")
    parser.add_argument("--stream", action="store_true", help="a NEW_AND_OLD_IMAGES stream")
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        sys.exit("valgrind (callgrind) is not installed")
    source = args.base or HERE
    started = time.monotonic()
    per_request = measure(source, args.op, args.stream, args.requests)
    print(f"{source} {args.op}{' stream' if args.stream else ''}: {per_request:,.0f} "
          f"instructions per request ({args.requests} requests, "
          f"{time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
