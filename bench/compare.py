"""Two source trees side by side: PutItem and GetItem throughput and server CPU per request.

    .venv/bin/python bench/compare.py --base /tmp/headwater-base [--stream] [--rounds 3]

`--base` is another checkout's directory (`git archive COMMIT src | tar -x -C DIR`); its `src`
goes first on PYTHONPATH, so it runs with this venv's dependencies. Each round starts one
server of each tree in turn (on disk, WAL, durability normal; the order alternates between
rounds), creates a table (`--stream`: with a NEW_AND_OLD_IMAGES stream), runs the closed-loop
PutItem workload of bench/dynamodb_items.py (~1 KB items), then GetItem over the keys written,
and reads the server's CPU time from /proc around each phase. Server CPU per request is the
steadier figure on a shared machine: throughput moves with what else runs, CPU per request
much less. The table shows medians over rounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import get_workload, measure, put_workload  # noqa: E402
from peers import Peer, cpu_seconds, create_table, start_tree  # noqa: E402

HERE = Path(__file__).resolve().parent.parent


def phase(peer: Peer, workload: object, args: argparse.Namespace) -> tuple[float, float, list[int]]:
    """(requests/s, server CPU us per request, keys written per client process)."""
    before = cpu_seconds(peer.pid())
    m = measure(peer.address, workload, clients=args.clients,  # type: ignore[arg-type]
                processes=args.processes, warmup=args.warmup, duration=args.duration)
    spent = cpu_seconds(peer.pid()) - before
    if m.errors:
        print(f"# {peer.name}: {m.errors} errors, first: {m.first_error}", file=sys.stderr)
    window = args.duration / (args.warmup + args.duration + 0.3)
    per_request = spent * window / m.requests * 1e6 if m.requests else 0.0
    return m.requests_per_second, per_request, m.keys_written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=4.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--item-bytes", type=int, default=1000)
    parser.add_argument("--stream", action="store_true", help="tables with a stream")
    args = parser.parse_args()
    print(f"# {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; base {args.base}, "
          f"{'stream' if args.stream else 'no stream'}, ~{args.item_bytes} B items", flush=True)
    trees = {"base": args.base, "this": HERE}
    figures: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for round_ in range(args.rounds):
        order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
        for name in order:
            peer = start_tree(name, trees[name], Path(tempfile.mkdtemp(prefix="hw-bench-")))
            try:
                create_table(peer.address, "bench", stream=args.stream)
                put_rate, put_cpu, written = phase(
                    peer, put_workload("bench", args.item_bytes), args)
                get_rate, get_cpu, _ = phase(
                    peer, get_workload("bench", [max(1, n) for n in written]), args)
            finally:
                peer.stop()
            figures.setdefault((name, "PutItem"), []).append((put_rate, put_cpu))
            figures.setdefault((name, "GetItem"), []).append((get_rate, get_cpu))
            print(f"# round {round_ + 1} {name:5} PutItem {put_rate:8,.0f}/s {put_cpu:6.1f} us/req"
                  f"  GetItem {get_rate:8,.0f}/s {get_cpu:6.1f} us/req", flush=True)
    print(f"{'operation':<10} {'base/s':>9} {'this/s':>9} {'base us/req':>12} "
          f"{'this us/req':>12} {'CPU change':>11}")
    for op in ("PutItem", "GetItem"):
        base_rate = statistics.median(r for r, _ in figures[("base", op)])
        this_rate = statistics.median(r for r, _ in figures[("this", op)])
        base_cpu = statistics.median(c for _, c in figures[("base", op)])
        this_cpu = statistics.median(c for _, c in figures[("this", op)])
        print(f"{op:<10} {base_rate:>9,.0f} {this_rate:>9,.0f} {base_cpu:>12.1f} "
              f"{this_cpu:>12.1f} {this_cpu / base_cpu - 1:>+10.1%}")


if __name__ == "__main__":
    main()
