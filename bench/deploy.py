"""Time from `headwater deploy` to CREATE_COMPLETE for an example's SAM template (issue 16 goal:
under 2 s for the replication example), measured as a user meets it: the whole command, from
start to exit, against a running server (in memory, and on disk), over several fresh stacks.

    .venv/bin/python bench/deploy.py
    .venv/bin/python bench/deploy.py --template examples/leaderboard/template.yaml --runs 5

The first run of a server includes the one-time S3 bucket creation; the figures are the median,
best and worst of all runs. The command's own report (time from its start to the stack settling)
is printed beside the wall time of the process (which adds Python's start and imports).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import start_headwater  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REPORTED = re.compile(r"Successfully deployed stack \S+: CREATE_COMPLETE \((\d+\.\d+) s\)")


def one(endpoint: str, template: Path) -> tuple[float, float]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "headwater", "deploy", str(template),
                           "--stack-name", f"bench-{uuid.uuid4().hex[:8]}", "--endpoint",
                           endpoint], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    found = REPORTED.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"deploy failed: {done.stderr or done.stdout}")
    return wall, float(found[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--template", type=Path,
                        default=ROOT / "examples" / "replication" / "template.yaml")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for where in ("in memory", "on disk"):
        data_dir = None if where == "in memory" else Path(tempfile.mkdtemp()) / "data"
        server = start_headwater("headwater", data_dir)
        try:
            runs = [one(server.url(), args.template) for _ in range(args.runs)]
        finally:
            server.stop()
        walls = [w for w, _ in runs]
        reported = [r for _, r in runs]
        print(f"headwater deploy {args.template.relative_to(ROOT)} ({where}, {args.runs} stacks)")
        print(f"  command wall time  median {statistics.median(walls):.2f} s   "
              f"best {min(walls):.2f}   worst {max(walls):.2f}   (goal < 2 s)")
        print(f"  to CREATE_COMPLETE median {statistics.median(reported):.2f} s   "
              f"best {min(reported):.2f}   worst {max(reported):.2f}", flush=True)


if __name__ == "__main__":
    main()
