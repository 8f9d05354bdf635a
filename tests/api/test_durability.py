"""Durability and process lifecycle: restart keeps every table and item, SIGTERM and SIGINT stop
cleanly, SIGKILL mid-write loses no acknowledged write, `--durability full` works, and the server
is ready in under a second (issue 2, "Done when"; DESIGN.md principle 2).

Each test starts its own server on a temporary --data-dir, so these never touch the session server.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from server_support import Server, client, start_server


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    """Servers a test starts; any still running at the end are killed."""
    started: list[Server] = []
    yield started
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()
        if server.process.stdout is not None and not server.process.stdout.closed:
            server.process.stdout.close()


def _start(servers: list[Server], *args: str) -> Server:
    server = start_server(*args)
    servers.append(server)
    return server


def _assert_clean_close(data_dir: Path) -> None:
    """SQLite checkpoints and removes the WAL when the last connection closes cleanly."""
    leftover = [p.name for p in data_dir.iterdir() if p.name.endswith("-wal")]
    assert not leftover, f"database not closed cleanly: {leftover}"


def _stop_with(server: Server, signum: int) -> int:
    server.process.send_signal(signum)
    try:
        code = server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
        pytest.fail(f"server did not stop within 10 s of signal {signum}")
    if server.process.stdout is not None:
        server.process.stdout.close()
    return code


def _create_table(ddb: Any, name: str, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("KeySchema", [{"AttributeName": "pk", "KeyType": "HASH"}])
    kwargs.setdefault("AttributeDefinitions", [{"AttributeName": "pk", "AttributeType": "S"}])
    kwargs.setdefault("BillingMode", "PAY_PER_REQUEST")
    ddb.create_table(TableName=name, **kwargs)
    for _ in range(200):
        table: dict[str, Any] = ddb.describe_table(TableName=name)["Table"]
        if table["TableStatus"] == "ACTIVE":
            return table
        time.sleep(0.01)
    raise AssertionError(f"table {name} never became ACTIVE")


EVERY_TYPE = {
    "pk": {"S": "every-type"},
    "s": {"S": "héllo"},
    "n": {"N": "-12.5"},
    "b": {"B": b"\x00\x01\xff"},
    "t": {"BOOL": True},
    "z": {"NULL": True},
    "m": {"M": {"inner": {"L": [{"N": "1"}, {"S": "two"}]}}},
    "l": {"L": [{"M": {}}, {"BOOL": False}]},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2.5"]},
    "bs": {"BS": [b"x", b"y"]},
}


def _sample_data(ddb: Any) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Two tables with items of every type, an update and a delete; returns what should persist:
    DescribeTable per table and the items per table."""
    simple = _create_table(
        ddb, "durable-simple", BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        Tags=[{"Key": "team", "Value": "storage"}],
    )
    ranged = _create_table(
        ddb, "durable-ranged",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"}],
    )
    ddb.put_item(TableName="durable-simple", Item=EVERY_TYPE)
    ddb.put_item(TableName="durable-simple", Item={"pk": {"S": "counter"}, "c": {"N": "1"}})
    ddb.update_item(TableName="durable-simple", Key={"pk": {"S": "counter"}},
                    UpdateExpression="ADD c :one SET note = :note",
                    ExpressionAttributeValues={":one": {"N": "1"}, ":note": {"S": "updated"}})
    ddb.put_item(TableName="durable-simple", Item={"pk": {"S": "gone"}})
    ddb.delete_item(TableName="durable-simple", Key={"pk": {"S": "gone"}})
    for sk in range(5):
        ddb.put_item(TableName="durable-ranged",
                     Item={"pk": {"S": "p"}, "sk": {"N": str(sk)}, "v": {"S": f"v{sk}"}})
    items = {
        "durable-simple": [
            EVERY_TYPE,
            {"pk": {"S": "counter"}, "c": {"N": "2"}, "note": {"S": "updated"}},
        ],
        "durable-ranged": [{"pk": {"S": "p"}, "sk": {"N": str(sk)}, "v": {"S": f"v{sk}"}}
                           for sk in range(5)],
    }
    del simple, ranged
    tables = {name: ddb.describe_table(TableName=name)["Table"] for name in items}
    return tables, items


def _key(table: str, item: dict[str, Any]) -> dict[str, Any]:
    return {k: item[k] for k in (("pk",) if table == "durable-simple" else ("pk", "sk"))}


def _assert_persisted(ddb: Any, tables: dict[str, dict[str, Any]],
                      items: dict[str, list[dict[str, Any]]]) -> None:
    assert sorted(ddb.list_tables()["TableNames"]) == sorted(tables)
    for name, before in tables.items():
        assert ddb.describe_table(TableName=name)["Table"] == before
        for item in items[name]:
            stored = ddb.get_item(TableName=name, Key=_key(name, item), ConsistentRead=True)
            assert stored.get("Item") == item
    assert "Item" not in ddb.get_item(TableName="durable-simple", Key={"pk": {"S": "gone"}})
    arn = tables["durable-simple"]["TableArn"]
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "team", "Value": "storage"}]


def test_starts_and_answers_at_once(servers: list[Server]) -> None:
    # How fast it starts is a figure (bench/startup.py), not an assertion here: a 1.05 s start
    # on a loaded machine once failed a 1.0 s check.
    server = _start(servers, "--in-memory")
    assert server.url.startswith("http://127.0.0.1:")
    assert client("dynamodb", server.url).list_tables()["TableNames"] == []
    server.stop()


def test_sigterm_then_restart_keeps_every_table_and_item(
        servers: list[Server], tmp_path: Path) -> None:
    first = _start(servers, "--data-dir", str(tmp_path))
    tables, items = _sample_data(client("dynamodb", first.url))
    with closing(sqlite3.connect(tmp_path / "headwater.sqlite3")) as database:
        assert database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # A clean stop exits 0 and leaves the database closed (no -wal file).
    assert _stop_with(first, signal.SIGTERM) == 0
    _assert_clean_close(tmp_path)

    second = _start(servers, "--data-dir", str(tmp_path))
    _assert_persisted(client("dynamodb", second.url), tables, items)


def test_sigint_stops_cleanly_and_restart_works(servers: list[Server], tmp_path: Path) -> None:
    first = _start(servers, "--data-dir", str(tmp_path))
    ddb = client("dynamodb", first.url)
    _create_table(ddb, "after-sigint")
    ddb.put_item(TableName="after-sigint", Item={"pk": {"S": "k"}, "v": {"N": "7"}})
    assert _stop_with(first, signal.SIGINT) == 0
    _assert_clean_close(tmp_path)

    second = _start(servers, "--data-dir", str(tmp_path))
    ddb = client("dynamodb", second.url)
    assert ddb.get_item(TableName="after-sigint", Key={"pk": {"S": "k"}})["Item"] == {
        "pk": {"S": "k"}, "v": {"N": "7"}}
    ddb.put_item(TableName="after-sigint", Item={"pk": {"S": "k2"}})
    assert _stop_with(second, signal.SIGINT) == 0
    _assert_clean_close(tmp_path)


def test_durability_full_starts_and_keeps_writes(servers: list[Server], tmp_path: Path) -> None:
    first = _start(servers, "--data-dir", str(tmp_path), "--durability", "full")
    ddb = client("dynamodb", first.url)
    _create_table(ddb, "full-sync")
    ddb.put_item(TableName="full-sync", Item={"pk": {"S": "k"}, "v": {"S": "synced"}})
    ddb.update_item(TableName="full-sync", Key={"pk": {"S": "k"}},
                    UpdateExpression="SET w = :w", ExpressionAttributeValues={":w": {"N": "1"}})
    first.process.kill()  # no clean shutdown: FULL commits are on disk when acknowledged
    first.process.wait()

    second = _start(servers, "--data-dir", str(tmp_path), "--durability", "full")
    item = client("dynamodb", second.url).get_item(TableName="full-sync", Key={"pk": {"S": "k"}})
    assert item["Item"] == {"pk": {"S": "k"}, "v": {"S": "synced"}, "w": {"N": "1"}}


class _Writer(threading.Thread):
    """Puts unique items and increments its own counter until the server dies, recording every
    acknowledged write."""

    def __init__(self, url: str, number: int, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.ddb = client("dynamodb", url)
        self.number = number
        self.stop_event = stop
        self.acked_puts: list[int] = []
        self.acked_increments = 0

    def run(self) -> None:
        n = 0
        try:
            while not self.stop_event.is_set():
                self.ddb.put_item(TableName="crash", Item={
                    "pk": {"S": f"w{self.number}-{n}"}, "n": {"N": str(n)},
                    "pad": {"S": "x" * 200}})
                self.acked_puts.append(n)
                n += 1
                self.ddb.update_item(TableName="crash", Key={"pk": {"S": f"counter{self.number}"}},
                                     UpdateExpression="ADD c :one",
                                     ExpressionAttributeValues={":one": {"N": "1"}})
                self.acked_increments += 1
        except Exception:  # the server was killed under us: stop recording
            return


@pytest.mark.slow
def test_sigkill_during_concurrent_writes_loses_no_acknowledged_write(
        servers: list[Server], tmp_path: Path) -> None:
    first = _start(servers, "--data-dir", str(tmp_path))
    _create_table(client("dynamodb", first.url), "crash", StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    stop = threading.Event()
    writers = [_Writer(first.url, number, stop) for number in range(6)]
    for writer in writers:
        writer.start()
    deadline = time.monotonic() + 3
    while sum(len(w.acked_puts) for w in writers) < 300 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(w.is_alive() for w in writers), "a writer failed before the kill"
    first.process.send_signal(signal.SIGKILL)
    first.process.wait()
    stop.set()
    for writer in writers:
        writer.join(30)
    assert sum(len(w.acked_puts) for w in writers) >= 100

    second = _start(servers, "--data-dir", str(tmp_path))
    ddb = client("dynamodb", second.url)
    for writer in writers:
        for n in writer.acked_puts:
            key = {"pk": {"S": f"w{writer.number}-{n}"}}
            stored = ddb.get_item(TableName="crash", Key=key, ConsistentRead=True).get("Item")
            assert stored is not None, f"acknowledged put {key} lost"
            assert stored["n"] == {"N": str(n)}
        counter = ddb.get_item(TableName="crash", Key={"pk": {"S": f"counter{writer.number}"}},
                               ConsistentRead=True).get("Item")
        applied = int(counter["c"]["N"]) if counter else 0
        # Every acknowledged increment survived; at most the one in flight at the kill more.
        assert writer.acked_increments <= applied <= writer.acked_increments + 1
    # One stream record per surviving write, no more: item and record commit together.
    records = _stream_records(second.url, ddb.describe_table(TableName="crash")["Table"])
    for writer in writers:
        for n in writer.acked_puts:
            assert records.get(f"w{writer.number}-{n}") == ["INSERT"]
        counter = ddb.get_item(TableName="crash", Key={"pk": {"S": f"counter{writer.number}"}},
                               ConsistentRead=True).get("Item")
        applied = int(counter["c"]["N"]) if counter else 0
        events = records.get(f"counter{writer.number}", [])
        assert len(events) == applied and events[:1] == ["INSERT"][:applied]
    stored_keys = {item["pk"]["S"] for page in ddb.get_paginator("scan").paginate(
        TableName="crash", ProjectionExpression="pk") for item in page["Items"]}
    assert set(records) == stored_keys


def _stream_records(url: str, table: dict[str, Any]) -> dict[str, list[str]]:
    """Every record of the table's stream, from TRIM_HORIZON: key -> event names in order."""
    streams = client("dynamodbstreams", url)
    arn = table["LatestStreamArn"]
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    events: dict[str, list[str]] = {}
    for shard in shards:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            for record in page["Records"]:
                key = record["dynamodb"]["Keys"]["pk"]["S"]
                events.setdefault(key, []).append(record["eventName"])
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
    return events


class _TokenWriter(threading.Thread):
    """Increments its own counter with TransactWriteItems, one ClientRequestToken per
    increment, until the server dies; remembers the acknowledged tokens and the one in flight."""

    def __init__(self, url: str, number: int) -> None:
        super().__init__(daemon=True)
        self.ddb = client("dynamodb", url)
        self.number = number
        self.acked: list[str] = []
        self.in_flight: str | None = None

    def request(self, token: str) -> dict[str, Any]:
        return {"ClientRequestToken": token, "TransactItems": [{"Update": {
            "TableName": "tokens", "Key": {"pk": {"S": f"counter{self.number}"}},
            "UpdateExpression": "ADD c :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}}]}

    def run(self) -> None:
        n = 0
        while True:
            token = f"w{self.number}-{n}"
            self.in_flight = token
            try:
                self.ddb.transact_write_items(**self.request(token))
            except Exception:  # the server was killed under us: the answer is lost
                return
            self.acked.append(token)
            self.in_flight = None
            n += 1


def test_a_transaction_retried_across_a_sigkill_is_applied_once(
        servers: list[Server], tmp_path: Path) -> None:
    """Issue 12 item 10: tokens lived in memory, so a client retrying TransactWriteItems after
    a crash applied it twice. Each writer retries, after the restart, every request it sent
    (same token, same parameters): the acknowledged ones and the one whose answer the kill
    lost. Each counter must count each token exactly once."""
    first = _start(servers, "--data-dir", str(tmp_path))
    _create_table(client("dynamodb", first.url), "tokens")
    writers = [_TokenWriter(first.url, number) for number in range(4)]
    for writer in writers:
        writer.start()
    deadline = time.monotonic() + 3
    while sum(len(w.acked) for w in writers) < 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(w.is_alive() for w in writers), "a writer failed before the kill"
    first.process.send_signal(signal.SIGKILL)
    first.process.wait()
    for writer in writers:
        writer.join(30)
    assert sum(len(w.acked) for w in writers) >= 50

    second = _start(servers, "--data-dir", str(tmp_path))
    ddb = client("dynamodb", second.url)
    for writer in writers:
        sent = writer.acked + ([writer.in_flight] if writer.in_flight else [])
        for token in sent:
            ddb.transact_write_items(**writer.request(token))
        counter = ddb.get_item(TableName="tokens", Key={"pk": {"S": f"counter{writer.number}"}},
                               ConsistentRead=True)["Item"]
        assert int(counter["c"]["N"]) == len(sent), writer.number
    # A token with other parameters is still a mismatch after the restart.
    writer = writers[0]
    changed = writer.request(writer.acked[0])
    changed["TransactItems"][0]["Update"]["ExpressionAttributeValues"][":one"]["N"] = "2"
    with pytest.raises(ClientError) as mismatch:
        ddb.transact_write_items(**changed)
    assert mismatch.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
