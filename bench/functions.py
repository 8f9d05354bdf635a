"""Lambda Invoke figures for a no-op handler, at the HTTP level, for each runtime given (Python
and, when `node` is on PATH, Node.js side by side in one run).

    .venv/bin/python bench/functions.py
    .venv/bin/python bench/functions.py --warm 3000 --clients 4 --duration 5 --runtime python3.11
    .venv/bin/python bench/functions.py --runtime python3.11,nodejs20.x

Starts `headwater serve --in-memory`, creates functions with boto3, then measures with raw
keep-alive HTTP/1.1 connections (http.client), so client overhead stays small:
- cold start: the first Invoke of each of `--cold` fresh functions (process spawn, Runtime API
  connection, handler import, the invocation itself);
- warm latency: `--warm` sequential Invokes on one connection, p50/p99;
- warm throughput: `--clients` processes, each a closed loop on its own connection, for
  `--duration` seconds (the function gets one warm environment per concurrent client).
Goals (DESIGN/issue 4): warm p50 < 2 ms, cold start < 200 ms.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import shutil
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lambdas import ROLE, zipped  # noqa: E402
from peers import start_headwater  # noqa: E402

AUTHORIZATION = ("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request, "
                 "SignedHeaders=host, Signature=00")
NOOP = b"def handler(event, context):\n    return None\n"
NODE_NOOP = b"exports.handler = async () => null;\n"


def create(lam: Any, runtime: str) -> str:
    name = f"bench-{uuid.uuid4().hex[:10]}"
    code = zipped(NODE_NOOP, "app.js") if runtime.startswith("nodejs") else zipped(NOOP, "app.py")
    lam.create_function(FunctionName=name, Runtime=runtime, Handler="app.handler",
                        Role=ROLE, Code={"ZipFile": code})
    return name


def connect(url: str) -> http.client.HTTPConnection:
    parsed = urlparse(url)
    return http.client.HTTPConnection(parsed.hostname, parsed.port)


def invoke(conn: http.client.HTTPConnection, name: str) -> float:
    started = time.perf_counter()
    conn.request("POST", f"/2015-03-31/functions/{name}/invocations", body=b"{}",
                  headers={"Authorization": AUTHORIZATION, "Content-Type": "application/json"})
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200 or response.getheader("X-Amz-Function-Error"):
        raise RuntimeError(f"invoke failed: {response.status} {body[:200]!r}")
    return elapsed * 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def _client(url: str, name: str, duration: float, queue: Any) -> None:
    conn = connect(url)
    invoke(conn, name)
    count = 0
    deadline = time.perf_counter() + duration
    while time.perf_counter() < deadline:
        invoke(conn, name)
        count += 1
    queue.put(count)


def throughput(url: str, name: str, clients: int, duration: float) -> float:
    queue: Any = mp.Queue()
    workers = [mp.Process(target=_client, args=(url, name, duration, queue))
               for _ in range(clients)]
    for worker in workers:
        worker.start()
    total = sum(queue.get(timeout=duration + 60) for _ in workers)
    for worker in workers:
        worker.join()
    return total / duration


def default_runtimes() -> str:
    return "python3.11,nodejs20.x" if shutil.which("node") else "python3.11"


def measure(url: str, lam: Any, runtime: str, args: argparse.Namespace) -> None:
    conn = connect(url)
    cold = [invoke(conn, create(lam, runtime)) for _ in range(args.cold)]
    name = create(lam, runtime)
    for _ in range(50):
        invoke(conn, name)
    warm = [invoke(conn, name) for _ in range(args.warm)]
    rate = throughput(url, name, args.clients, args.duration)
    interpreter = lam.get_function_configuration(FunctionName=name)[
        "RuntimeVersionConfig"]["RuntimeVersionArn"].split("headwater:", 1)[-1]
    print(f"headwater Lambda Invoke, no-op handler, {runtime} ({interpreter}; "
          f"{os.cpu_count()} CPUs)")
    print(f"  cold start      median {statistics.median(cold):7.1f} ms   "
          f"max {max(cold):7.1f} ms   (n={len(cold)}, goal < 200 ms)")
    print(f"  warm latency    p50 {percentile(warm, 0.50):7.2f} ms   "
          f"p99 {percentile(warm, 0.99):7.2f} ms   (n={len(warm)}, goal p50 < 2 ms)")
    print(f"  warm throughput {rate:9.0f} invocations/s with {args.clients} clients "
          f"over {args.duration:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runtime", default=default_runtimes(),
                        help="comma-separated runtimes, measured in turn on one server")
    parser.add_argument("--cold", type=int, default=10, help="fresh functions to cold-start")
    parser.add_argument("--warm", type=int, default=2000, help="sequential warm invokes")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--duration", type=float, default=5.0, help="throughput window (s)")
    args = parser.parse_args()
    server = start_headwater("headwater", None)
    url = server.url()
    try:
        lam = boto3.client("lambda", endpoint_url=url, region_name="us-east-1",
                           aws_access_key_id="AKID", aws_secret_access_key="x",
                           config=Config(retries={"max_attempts": 1}, read_timeout=600))
        for runtime in args.runtime.split(","):
            if runtime.startswith("nodejs"):  # the SDK install is not a cold start
                invoke(connect(url), create(lam, runtime))
            measure(url, lam, runtime, args)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
