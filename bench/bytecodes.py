"""Python bytecodes the server executes per request, by function: deterministic attribution in
seconds, for a machine too loaded to time (bench/instructions.py gives the total in machine
instructions; this says which functions a difference is in).

    .venv/bin/python bench/bytecodes.py [--op PutItem|GetItem] [--stream] [--requests 500]
                                        [--base DIR] [--save FILE] [--against FILE]

Runs `headwater serve` in this process on a temporary data directory (DIR/src with --base),
creates a table, warms up as bench/instructions.py does, then counts the `opcode` trace
events of every Python function called on the event loop's thread while `--requests`
requests are sent one after another over one keep-alive connection. Prints the functions
with the most bytecodes per request; `--save` writes the counts as JSON, and `--against`
prints the per-function difference from such a file instead (e.g. another tree's).
Background work that runs meanwhile (flushes, polls) is counted too: compare runs of equal
length. Tracing slows the server ~20x, so latencies (and the metrics they make) differ from
an untraced run.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import signal
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, help="trace DIR/src instead of this tree")
    parser.add_argument("--op", choices=["PutItem", "GetItem"], default="PutItem")
    parser.add_argument("--stream", action="store_true", help="a NEW_AND_OLD_IMAGES stream")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--save", type=Path)
    parser.add_argument("--against", type=Path)
    args = parser.parse_args()
    source = (args.base or HERE.parent) / "src"
    sys.path.insert(0, str(source))
    sys.path.insert(1, str(HERE))
    counts = trace(args.op, args.stream, args.requests)
    if args.save:
        args.save.write_text(json.dumps(counts))
    ops: dict[str, float] = counts["ops"]
    print(f"{source} {args.op}{' stream' if args.stream else ''}: "
          f"{sum(ops.values()):,.0f} bytecodes per request")
    if args.against:
        before: dict[str, float] = json.loads(args.against.read_text())["ops"]
        print(f"{args.against}: {sum(before.values()):,.0f}")
        rows = sorted(((ops.get(k, 0.0) - before.get(k, 0.0), k) for k in {*ops, *before}),
                      key=lambda row: -abs(row[0]))
        for delta, name in rows[:args.top]:
            print(f"{delta:+8.1f}  {before.get(name, 0.0):7.1f} -> {ops.get(name, 0.0):7.1f}  "
                  f"{name}")
    else:
        for name, count in sorted(ops.items(), key=lambda row: -row[1])[:args.top]:
            print(f"{count:8.1f}  {name}")


def trace(op: str, stream: bool, count: int) -> dict[str, Any]:
    """Bytecodes per request by function (`file:function`), and calls per request."""
    from instructions import request, send_all
    from loadgen import put_workload
    from peers import create_table

    from headwater import cli, server  # the tree on sys.path

    loop: list[asyncio.AbstractEventLoop] = []
    start = server.HeadwaterApp.start

    def started(app: server.HeadwaterApp) -> None:
        start(app)
        loop.append(asyncio.get_running_loop())

    server.HeadwaterApp.start = started  # type: ignore[method-assign]
    ops: collections.Counter[str] = collections.Counter()
    calls: collections.Counter[str] = collections.Counter()

    def on_call(frame: FrameType, event: str, arg: object) -> Any:
        if event != "call":
            return None
        frame.f_trace_opcodes = True
        code = frame.f_code
        name = f"{_short(code.co_filename)}:{code.co_name}"
        calls[name] += 1

        def on_opcode(frame: FrameType, event: str, arg: object) -> Any:
            if event == "opcode":
                ops[name] += 1
            return on_opcode
        return on_opcode

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def client() -> None:
        address = ("127.0.0.1", port)
        while not loop:
            time.sleep(0.05)
        create_table(address, "bench", stream=stream)
        warm = 300
        workload = put_workload("bench", 1000)
        puts = [request("PutItem", workload.body(0, n)) for n in range(warm + count)]
        send_all(address, puts[:warm])
        if op == "PutItem":
            measured = puts[warm:]
        else:
            measured = [request("GetItem", b'{"TableName":"bench","Key":{"pk":{"S":"p0-%d"}}}'
                                % (n % warm)) for n in range(count)]
            send_all(address, measured[:50])
        loop[0].call_soon_threadsafe(sys.settrace, on_call)
        time.sleep(0.2)
        send_all(address, measured)
        loop[0].call_soon_threadsafe(sys.settrace, None)
        time.sleep(0.2)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=client, daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="hw-bytecodes-") as data_dir:
        try:
            cli.main(["serve", "--port", str(port), "--data-dir", data_dir],
                     standalone_mode=False)
        except SystemExit:
            pass
    return {"ops": {name: n / count for name, n in ops.items()},
            "calls": {name: n / count for name, n in calls.items()}}


def _short(path: str) -> str:
    for marker in ("/src/", "/lib/python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


if __name__ == "__main__":
    main()
