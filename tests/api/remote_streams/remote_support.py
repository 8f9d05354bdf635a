"""A remote engine (a Headwater server reached only through its public API) and Headwater
workers started with --stream-endpoint and --lease-table, each with the same function and
mapping on the engine's stream; each worker's function appends the events it receives to a
file of its own, so a test can tell who delivered what."""

from __future__ import annotations

import io
import json
import socket
import threading
import zipfile
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import urllib3
from server_support import CREDENTIALS, Server, start_server, wait_for

ROLE = "arn:aws:iam::000000000000:role/lambda-ddb"
HOST_FILES = ("--worker-isolation", "off")  # the handler writes to the test's files
RECORDING_HANDLER = '''
import json, os, time

def handler(event, context):
    with open(os.environ["OUT"], "a") as out:
        out.write(json.dumps({"at": time.time(), "event": event}) + "\\n")
    return {}
'''


def zip_source(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", source)
    return buffer.getvalue()


def settle(lam: Any, uuid: str) -> None:
    wait_for(lambda: lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled", 15, 0.05)

LEASE_DURATION = 2.0
FUNCTION = "remote-recorder"
BATCH_SIZE = 10
WORKER_ENV = {"AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
              "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
              "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}
HTTP = urllib3.PoolManager()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Worker:
    server: Server
    out: Path
    index: int

    def status(self) -> dict[str, Any]:
        response = HTTP.request("GET", f"{self.server.url}/_headwater/leases")
        assert response.status == 200, response.data
        return dict(orjson.loads(response.data))

    def worker_id(self) -> str:
        return str(self.status()["worker"])


@dataclass
class Cluster:
    engine: Server
    root: Path
    stream_arn: str = ""
    table: str = "events"
    workers: list[Worker] = field(default_factory=list)
    engine_args: tuple[str, ...] = ()
    _count: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def ddb(self) -> Any:
        return self.engine.client("dynamodb")

    def make_table(self) -> str:
        self.ddb.create_table(
            TableName=self.table, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
        self.stream_arn = self.ddb.describe_table(TableName=self.table)["Table"][
            "LatestStreamArn"]
        return self.stream_arn

    def add_worker(self, *args: str) -> Worker:
        with self._lock:
            index = self._count
            self._count += 1
        server = start_server("--in-memory", *HOST_FILES, "--stream-endpoint", self.engine.url,
                              "--lease-table", "leases", "--lease-duration",
                              str(LEASE_DURATION), *args, env=WORKER_ENV)
        out = self.root / f"worker-{index}.jsonl"
        lam = server.client("lambda")
        lam.create_function(FunctionName=FUNCTION, Runtime="python3.12", Role=ROLE,
                            Handler="handler.handler",
                            Code={"ZipFile": zip_source(RECORDING_HANDLER)},
                            Timeout=10, Environment={"Variables": {"OUT": str(out)}})
        mapping = lam.create_event_source_mapping(
            FunctionName=FUNCTION, EventSourceArn=self.stream_arn, BatchSize=BATCH_SIZE,
            StartingPosition="TRIM_HORIZON")
        settle(lam, mapping["UUID"])
        worker = Worker(server, out, index)
        self.workers.append(worker)
        return worker

    def live(self) -> list[Worker]:
        return [w for w in self.workers if w.server.process.poll() is None]

    def spread(self, workers: int, shards: int, timeout: float = 20) -> Counter[str]:
        """Wait until `workers` live workers hold the `shards` ready leases evenly."""
        def even() -> Counter[str] | None:
            owners = self.owners()
            return owners if sorted(owners.values()) == [shards // workers] * workers \
                else None
        result: Counter[str] = wait_for(even, timeout, 0.2)
        return result

    def owners(self) -> Counter[str]:
        """Unfinished leases per owner, as the first live worker last scanned them."""
        leases = self.live()[0].status()["leases"]
        return Counter(lease["owner"] for lease in leases
                       if lease["checkpoint"] != "SHARD_END" and not lease["expired"])

    def leases(self) -> list[dict[str, Any]]:
        return list(self.live()[0].status()["leases"])

    def put(self, key: str, version: int) -> None:
        self.ddb.put_item(TableName=self.table,
                          Item={"pk": {"S": key}, "v": {"N": str(version)}})

    def restart_engine(self) -> None:
        """SIGKILL the engine and start it again on the same port and data directory."""
        self.engine.kill()
        self.engine = start_server(*self.engine_args)

    def stop(self) -> None:
        for worker in self.workers:
            worker.server.stop()
        self.engine.stop()


def timed_deliveries(worker: Worker) -> list[tuple[float, int, str, int]]:
    """(when, index in its batch, key, version) of every record the worker's function
    received, in the order received."""
    if not worker.out.exists():
        return []
    found = []
    for line in worker.out.read_text().split("\n")[:-1]:
        if not line.strip():
            continue
        entry = json.loads(line)
        for index, record in enumerate(entry["event"]["Records"]):
            image = record["dynamodb"]["NewImage"]
            found.append((entry["at"], index, image["pk"]["S"], int(image["v"]["N"])))
    return found


def deliveries(worker: Worker) -> list[tuple[str, int]]:
    return [(key, version) for _, _, key, version in timed_deliveries(worker)]


def all_deliveries(cluster: Cluster) -> list[tuple[str, int]]:
    return [d for w in cluster.workers for d in deliveries(w)]


def check_order(cluster: Cluster) -> None:
    """Per key, across all workers (one machine's clock), each version is first delivered
    after the version before it: a shard's records reach one worker at a time, from its
    checkpoint on, so duplicates never put a newer version ahead of an older one's first
    delivery."""
    timeline = sorted(d for w in cluster.workers for d in timed_deliveries(w))
    first: dict[str, list[int]] = {}
    seen: set[tuple[str, int]] = set()
    for _, _, key, version in timeline:
        if (key, version) not in seen:
            seen.add((key, version))
            first.setdefault(key, []).append(version)
    for key, versions in first.items():
        assert versions == sorted(versions), (key, versions)


def wait_delivered(cluster: Cluster, expected: set[tuple[str, int]],
                   timeout: float = 30.0) -> None:
    try:
        wait_for(lambda: expected <= set(all_deliveries(cluster)), timeout, 0.1)
    except TimeoutError:
        missing = sorted(expected - set(all_deliveries(cluster)))
        statuses = [w.status() for w in cluster.live()]
        raise AssertionError(f"{len(missing)} not delivered, e.g. {missing[:5]}; "
                             f"workers: {statuses}") from None


class Writer:
    """Writes versions 0, 1, 2... of `keys` keys round-robin on a thread until stopped,
    retrying a write until the engine acknowledges it; `acked` holds what was written."""

    def __init__(self, cluster: Cluster, keys: int, prefix: str) -> None:
        self.cluster = cluster
        self.keys = [f"{prefix}{i}" for i in range(keys)]
        self.acked: set[tuple[str, int]] = set()
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Writer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(30)

    def _run(self) -> None:
        version = 0
        ddb = self.cluster.engine.client("dynamodb")
        while not self._stop.is_set():
            for key in self.keys:
                while not self._stop.is_set():
                    try:
                        ddb.put_item(TableName=self.cluster.table,
                                     Item={"pk": {"S": key}, "v": {"N": str(version)}})
                        self.acked.add((key, version))
                        break
                    except Exception:
                        self.failures += 1
                        self._stop.wait(0.05)
                        with suppress(Exception):
                            ddb = self.cluster.engine.client("dynamodb")
            version += 1
            self._stop.wait(0.01)

    def wait_for_writes(self, count: int, timeout: float = 20.0) -> None:
        start = len(self.acked)
        wait_for(lambda: len(self.acked) >= start + count, timeout, 0.05)


def cluster_of(root: Path, workers: int, *engine_args: str) -> Iterator[Cluster]:
    """An engine on a fixed port with its data in `root` (so it can be restarted) and
    `workers` workers."""
    args = ("--port", str(free_port()), "--data-dir", str(root / "engine"), *engine_args)
    cluster = Cluster(start_server(*args), root, engine_args=args)
    try:
        cluster.make_table()
        with ThreadPoolExecutor(workers) as pool:  # processes start in parallel
            list(pool.map(lambda _: cluster.add_worker(), range(workers)))
        cluster.workers.sort(key=lambda w: w.index)
        yield cluster
    finally:
        cluster.stop()
