"""The servers a benchmark compares: Headwater (in memory and on disk), moto's server and dynalite.

Each peer is started as its own process on 127.0.0.1 and a free port, and stopped by its pid.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from loadgen import AUTHORIZATION

BENCH_DIR = Path(__file__).resolve().parent
CACHE_DIR = BENCH_DIR / ".cache"


@dataclass
class Peer:
    name: str
    process: subprocess.Popen[bytes]
    address: tuple[str, int]
    cleanup: list[Path] = field(default_factory=list)

    def pid(self) -> int:
        return self.process.pid

    def url(self) -> str:
        return f"http://{self.address[0]}:{self.address[1]}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for path in self.cleanup:
            shutil.rmtree(path, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_listening(process: subprocess.Popen[bytes], port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"server did not listen on {port} within {timeout} s")


def start_headwater(name: str, data_dir: Path | None, durability: str = "normal",
                    extra: Sequence[str] = ()) -> Peer:
    """`headwater serve --port 0 [extra]`: in memory when data_dir is None, else a WAL database
    there."""
    script = Path(sys.executable).with_name("headwater")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "headwater"]
    cleanup: list[Path] = []
    if data_dir is None:
        storage = ["--in-memory"]
    else:
        storage = ["--data-dir", str(data_dir), "--durability", durability]
        cleanup.append(data_dir)
    process = subprocess.Popen([*command, "serve", "--port", "0", *storage, *extra],
                               stdout=subprocess.PIPE)
    return headwater_peer(name, process, cleanup)


def start_tree(name: str, source: Path, data_dir: Path) -> Peer:
    """`headwater serve` from another source tree (`git archive REV src` unpacked in `source`),
    on disk in `data_dir`: a previous release measured beside this one."""
    env = {**os.environ, "PYTHONPATH": str(source / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "headwater", "serve", "--port", "0", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE, env=env)
    return headwater_peer(name, process, [data_dir])


def headwater_peer(name: str, process: subprocess.Popen[bytes], cleanup: list[Path]) -> Peer:
    """The Peer for a just-started `headwater serve --port 0` whose stdout is a pipe: it reads
    the endpoint line the server prints once it listens."""
    assert process.stdout is not None
    line = process.stdout.readline().decode().strip()
    if not line.startswith("http://"):
        process.kill()
        raise RuntimeError(f"headwater did not start: {line!r}")
    host, port = line.removeprefix("http://").rsplit(":", 1)
    return Peer(name, process, (host, int(port)), cleanup)


def start_moto() -> Peer:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    _wait_listening(process, port)
    return Peer("moto", process, ("127.0.0.1", port))


def dynalite_script() -> Path | None:
    """dynalite's cli.js, installing the npm package into bench/.cache on first use."""
    script = CACHE_DIR / "node_modules" / "dynalite" / "cli.js"
    if script.exists():
        return script
    if shutil.which("node") is None or shutil.which("npm") is None:
        return None
    CACHE_DIR.mkdir(exist_ok=True)
    try:
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "dynalite"],
                       cwd=CACHE_DIR, check=True, timeout=300, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    except (subprocess.SubprocessError, OSError):
        return None
    return script if script.exists() else None


def start_dynalite(script: Path) -> Peer:
    """dynalite in memory (its default), with table creation made instant."""
    port = free_port()
    process = subprocess.Popen(
        ["node", str(script), "--port", str(port), "--host", "127.0.0.1", "--createTableMs", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    _wait_listening(process, port)
    return Peer("dynalite", process, ("127.0.0.1", port))


def temp_data_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="headwater-bench-"))


def call(address: tuple[str, int], target: str, request: dict[str, object]) -> dict[str, object]:
    """One DynamoDB JSON call over a fresh connection (set-up only, not measured)."""
    conn = http.client.HTTPConnection(*address, timeout=30)
    try:
        conn.request("POST", "/", orjson.dumps(request), {
            "X-Amz-Target": f"DynamoDB_20120810.{target}",
            "Content-Type": "application/x-amz-json-1.0",
            "Authorization": AUTHORIZATION,
            "X-Amz-Date": "20260101T000000Z",
        })
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{target} answered {response.status}: {body[:300]!r}")
        return dict(orjson.loads(body))
    finally:
        conn.close()


def create_table(address: tuple[str, int], table: str, stream: bool = False) -> None:
    """A table keyed by `pk` (S), on demand; waits until it is ACTIVE."""
    request: dict[str, object] = {
        "TableName": table,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if stream:
        request["StreamSpecification"] = {"StreamEnabled": True,
                                          "StreamViewType": "NEW_AND_OLD_IMAGES"}
    call(address, "CreateTable", request)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        described = call(address, "DescribeTable", {"TableName": table})
        if described["Table"]["TableStatus"] == "ACTIVE":  # type: ignore[index]
            return
        time.sleep(0.05)
    raise RuntimeError(f"table {table} did not become ACTIVE")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process (and its threads) and its live child processes
    (`--serve-processes`' serving processes) have used so far, from /proc."""
    return sum(_own_cpu(process) for process in (pid, *_children(pid)))


def _own_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid:
            found.append(int(entry.name))
    return found
