"""`headwater stream TABLE`: a table's stream records printed by the command, run as a
subprocess against a live server (src/headwater/streams/watch.py, record_lines.py)."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from server_support import CREDENTIALS, client, start_server
from streams_support import Private, create_stream_table, new_name, read_stream, wait_for

LINE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d) ([0-9a-f]{8}) (\d{21,40}) "
                  r"(INSERT|MODIFY|REMOVE) (.*)$")


def headwater(*args: str) -> list[str]:
    return [sys.executable, "-m", "headwater", *args]


def signing_as(key: str | None, secret: str | None = None) -> dict[str, str]:
    """The environment with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY set (or removed)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")}
    if key is not None and secret is not None:
        env.update(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret)
    return env


# The key the fixtures' clients use (tests/server_support.py), so the command sees their tables.
SAME_ACCOUNT = signing_as(CREDENTIALS["aws_access_key_id"], CREDENTIALS["aws_secret_access_key"])


def run_stream(endpoint: str, *args: str, env: dict[str, str] | None = None
               ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(headwater("stream", *args, "--endpoint", endpoint),
                          capture_output=True, text=True, timeout=30, env=env or SAME_ACCOUNT)


def write_changes(ddb: Any, table: str) -> None:
    """INSERT, MODIFY, MODIFY, REMOVE of one item (and an INSERT of another)."""
    key = {"pk": {"S": "u1"}, "sk": {"S": "a"}}
    ddb.put_item(TableName=table, Item={**key, "name": {"S": "Ada"}, "age": {"N": "36"}})
    ddb.update_item(TableName=table, Key=key, UpdateExpression="SET age = :a, email = :e",
                    ExpressionAttributeValues={":a": {"N": "37"}, ":e": {"S": "ada@example.com"}})
    ddb.update_item(TableName=table, Key=key, UpdateExpression="REMOVE email")
    ddb.delete_item(TableName=table, Key=key)
    ddb.put_item(TableName=table, Item={"pk": {"S": "u2"}, "sk": {"S": "b"},
                                        "blob": {"B": b"\x00\x01"}})


def test_prints_one_line_per_change(ddb: Any, streams: Any, endpoint: str) -> None:
    table, arn = create_stream_table(ddb, range_key="sk")
    write_changes(ddb, table)
    done = run_stream(endpoint, table)
    assert done.returncode == 0 and done.stderr == ""
    lines = done.stdout.splitlines()
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), lines
    u1 = [m.groups()[1:] for m in parsed if m and 'pk="u1"' in m[5]]
    assert [(event, rest) for _, _, event, rest in u1] == [
        ("INSERT", 'pk="u1" sk="a" | +age=36, +name="Ada"'),
        ("MODIFY", 'pk="u1" sk="a" | age: 36 -> 37, +email="ada@example.com"'),
        ("MODIFY", 'pk="u1" sk="a" | -email="ada@example.com"'),
        ("REMOVE", 'pk="u1" sk="a" | -age=37, -name="Ada"'),
    ]
    assert len({shard for shard, _, _, _ in u1}) == 1  # one item's changes share a shard
    assert any(line.endswith('INSERT pk="u2" sk="b" | +blob=0x0001') for line in lines)
    records = read_stream(streams, arn)
    assert sorted(m[3] for m in parsed if m) == sorted(
        r["dynamodb"]["SequenceNumber"] for r in records)


def test_json_prints_the_records_as_getrecords_sends_them(ddb: Any, streams: Any,
                                                          endpoint: str) -> None:
    table, arn = create_stream_table(ddb, range_key="sk")
    write_changes(ddb, table)
    done = run_stream(endpoint, table, "--json")
    assert done.returncode == 0 and done.stderr == ""
    printed = [json.loads(line) for line in done.stdout.splitlines()]
    records = read_stream(streams, arn)
    assert sorted(r["eventID"] for r in printed) == sorted(r["eventID"] for r in records)
    u1 = [r for r in printed if r["dynamodb"]["Keys"]["pk"] == {"S": "u1"}]
    assert [r["eventName"] for r in u1] == ["INSERT", "MODIFY", "MODIFY", "REMOVE"]
    assert u1[1]["dynamodb"]["OldImage"]["age"] == {"N": "36"}
    assert u1[1]["dynamodb"]["NewImage"]["email"] == {"S": "ada@example.com"}
    moment = u1[0]["dynamodb"]["ApproximateCreationDateTime"]
    assert isinstance(moment, float) and moment == int(moment)
    blob = next(r for r in printed if r["dynamodb"]["Keys"]["pk"] == {"S": "u2"})
    assert blob["dynamodb"]["NewImage"]["blob"] == {"B": "AAE="}
    assert {r["eventSource"] for r in printed} == {"aws:dynamodb"}


def test_keys_only_stream_prints_keys_without_a_diff(ddb: Any, endpoint: str) -> None:
    table, _ = create_stream_table(ddb, view_type="KEYS_ONLY")
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "v": {"N": "1"}})
    done = run_stream(endpoint, table)
    assert done.returncode == 0
    assert done.stdout.rstrip("\n").endswith('INSERT pk="k"')


def test_follow_prints_new_records_until_interrupted(ddb: Any, endpoint: str) -> None:
    table, _ = create_stream_table(ddb)
    ddb.put_item(TableName=table, Item={"pk": {"S": "before"}})
    process = subprocess.Popen(headwater("stream", table, "--follow", "--endpoint", endpoint),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=SAME_ACCOUNT)
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None and process.stderr is not None

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.rstrip("\n"))

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        assert lines.get(timeout=15).endswith('INSERT pk="before"')
        ddb.put_item(TableName=table, Item={"pk": {"S": "after"}, "v": {"N": "1"}})
        assert lines.get(timeout=15).endswith('INSERT pk="after" | +v=1')
        ddb.put_item(TableName=table, Item={"pk": {"S": "after"}, "v": {"N": "2"}})
        assert lines.get(timeout=15).endswith('MODIFY pk="after" | v: 1 -> 2')
    finally:
        process.send_signal(signal.SIGINT)
        returncode = process.wait(timeout=15)
        reader.join(timeout=5)
        errors = process.stderr.read()
        process.stdout.close()
        process.stderr.close()
    assert returncode == 0
    assert errors == ""


@pytest.mark.local_only
def test_children_print_after_their_parents_after_a_rollover(private: Private) -> None:
    table, arn = create_stream_table(private.ddb)
    private.ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "v": {"N": "1"}})
    private.advance(601)
    wait_for(lambda: any("ParentShardId" in s for s in private.streams.describe_stream(
        StreamArn=arn)["StreamDescription"]["Shards"]))
    private.ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "v": {"N": "2"}})
    done = run_stream(private.url, table)
    assert done.returncode == 0, done.stderr
    found = [m for m in map(LINE.match, done.stdout.splitlines()) if m]
    assert [(m[4], m[5]) for m in found] == [("INSERT", 'pk="k" | +v=1'),
                                             ("MODIFY", 'pk="k" | v: 1 -> 2')]
    assert found[0][2] != found[1][2]  # the parent shard, then its child


def test_signs_with_the_environment_key(tmp_path: Path) -> None:
    keys = tmp_path / "credentials"
    keys.write_text("[me]\naws_access_key_id = AKIDME\naws_secret_access_key = s3cret\n"
                    "aws_account_id = 111122223333\n")
    server = start_server("--in-memory", "--credentials", str(keys))
    try:
        ddb = client("dynamodb", server.url, aws_access_key_id="AKIDME",
                     aws_secret_access_key="s3cret")
        table, _ = create_stream_table(ddb)
        ddb.put_item(TableName=table, Item={"pk": {"S": "k"}})
        done = run_stream(server.url, table, env=signing_as("AKIDME", "s3cret"))
        assert (done.returncode, done.stderr) == (0, "")
        assert done.stdout.rstrip("\n").endswith('INSERT pk="k"')
        refused = run_stream(server.url, table, env=signing_as(None))
        assert (refused.returncode, refused.stdout) == (1, "")
        assert refused.stderr == ("headwater: The security token included in the request is "
                                  "invalid.\n")
    finally:
        server.stop()


def test_no_such_table(endpoint: str) -> None:
    name = new_name()
    done = run_stream(endpoint, name)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"headwater: Requested resource not found: Table: {name} not found\n"


def test_table_without_a_stream(ddb: Any, endpoint: str) -> None:
    name = new_name()
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    done = run_stream(endpoint, name)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (f"headwater: table {name} has no stream (enable one with "
                           "UpdateTable StreamSpecification)\n")


def test_server_unreachable() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = run_stream(f"http://127.0.0.1:{port}", "anything", "--follow")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == ("headwater: Could not connect to the endpoint URL: "
                           f'"http://127.0.0.1:{port}/"\n')
