"""PutItem/s with CloudWatch metrics recording on (this tree) against the release before it.

    .venv/bin/python bench/metrics.py --base /tmp/headwater-base --rounds 3

`--base` is a checkout of the commit before metrics recording (e.g. `git worktree add
/tmp/headwater-base 8c607b8`); its `src` goes first on PYTHONPATH, so it runs with this venv's
dependencies. Each round starts one server of each tree in turn (on disk, default durability),
creates a table and runs the closed-loop PutItem workload of bench/dynamodb_items.py (~1 KB
items); the table shows the median over rounds and the slowdown. Goal: under 5 %.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import measure, put_workload  # noqa: E402
from peers import create_table, start_tree  # noqa: E402

HERE = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    results: dict[str, list[float]] = {"base": [], "metrics": []}
    for _ in range(args.rounds):
        for name, source in (("base", args.base), ("metrics", HERE)):
            peer = start_tree(name, source, Path(tempfile.mkdtemp(prefix="hw-bench-")))
            try:
                create_table(peer.address, "bench")
                m = measure(peer.address, put_workload("bench", 1000), clients=args.clients,
                            processes=args.processes, warmup=args.warmup,
                            duration=args.duration)
                results[name].append(m.requests_per_second)
                print(f"{name:8} {m.requests_per_second:9.0f} PutItem/s "
                      f"p50 {m.p50_ms:.2f} ms p99 {m.p99_ms:.2f} ms errors {m.errors}",
                      flush=True)
            finally:
                peer.stop()
    base = statistics.median(results["base"])
    mine = statistics.median(results["metrics"])
    print(f"median: base {base:.0f}/s, metrics {mine:.0f}/s, "
          f"slowdown {100 * (1 - mine / base):.1f}% (goal < 5%)")


if __name__ == "__main__":
    main()
