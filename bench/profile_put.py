"""Profile Headwater's PutItem hot path under load with py-spy (sampling, out of process).

    .venv/bin/pip install py-spy
    .venv/bin/python bench/profile_put.py [--duration 8] [--in-memory] [--op GetItem]

Starts `headwater serve` on a temporary --data-dir, drives PutItem of ~1 KB items with the same
load generator as dynamodb_items.py, samples the server with `py-spy record --format raw`, and
prints the functions with the highest inclusive and self share of the samples. The raw
collapsed stacks are kept (path printed) for a flame graph tool.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import get_workload, measure, put_workload  # noqa: E402
from peers import create_table, start_headwater, temp_data_dir  # noqa: E402

FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def short(frame: str) -> str:
    """`func (path/to/module.py:12)` -> `module.py:func`, so lines of a function merge."""
    match = FRAME.match(frame)
    if not match:
        return frame
    path = match["file"]
    for marker in ("site-packages/", "lib/python3.11/", "src/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{path}:{match['func']}"


def summarise(raw: Path, top: int) -> None:
    inclusive: collections.Counter[str] = collections.Counter()
    self_: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [short(f) for f in stack.split(";")]
        # py-spy's first frame is the thread name: keep only Python frames for shares.
        frames = [f for f in frames if not f.startswith(("process ", "thread "))]
        total += count
        for name in set(frames):
            inclusive[name] += count
        if frames:
            self_[frames[-1]] += count
    if not total:
        print("no samples")
        return
    print(f"\n{total} samples (idle included unless --idle was off)\n")
    print(f"{'inclusive %':>11}  function")
    for name, count in inclusive.most_common(top):
        print(f"{100 * count / total:>10.1f}%  {name}")
    print(f"\n{'self %':>11}  function")
    for name, count in self_.most_common(top):
        print(f"{100 * count / total:>10.1f}%  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds sampled")
    parser.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--in-memory", action="store_true", help="profile --in-memory instead")
    parser.add_argument("--op", choices=["PutItem", "GetItem"], default="PutItem")
    parser.add_argument("--native", action="store_true", help="include native (C) frames")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--stream", action="store_true",
                        help="enable a NEW_AND_OLD_IMAGES stream on the table")
    args = parser.parse_args()
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists():
        raise SystemExit("py-spy not found: .venv/bin/pip install py-spy")
    peer = start_headwater("headwater", None if args.in_memory else temp_data_dir())
    raw = Path(tempfile.mkdtemp(prefix="headwater-profile-")) / "put.raw"
    try:
        create_table(peer.address, "profile", stream=args.stream)
        if args.op == "GetItem":
            warm = measure(peer.address, put_workload("profile", 1024), clients=args.clients,
                           processes=2, warmup=0, duration=2)
            workload = get_workload("profile", [max(1, n) for n in warm.keys_written])
        else:
            workload = put_workload("profile", 1024)
        command = [py_spy, "record", "--pid", str(peer.pid()), "--format", "raw", "--output",
                   str(raw), "--rate", str(args.rate), "--duration", str(args.duration),
                   ]
        if args.native:
            command.append("--native")
        done = threading.Event()
        result: list[object] = []

        def load() -> None:
            result.append(measure(peer.address, workload, clients=args.clients, processes=2,
                                  warmup=0.5, duration=args.duration + 1))
            done.set()

        loader = threading.Thread(target=load)
        loader.start()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        loader.join()
        m = result[0]
        print(f"{args.op} under profile: {m.requests_per_second:,.0f}/s "  # type: ignore[attr-defined]
              f"p50 {m.p50_ms:.2f} ms p99 {m.p99_ms:.2f} ms")  # type: ignore[attr-defined]
    finally:
        peer.stop()
    summarise(raw, args.top)
    print(f"\nraw stacks: {raw}")


if __name__ == "__main__":
    main()
