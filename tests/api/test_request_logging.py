"""`--log-level info`: one line per request (time, caller account, service, operation, status,
duration) and per trigger batch; `--log-format json` prints each as one JSON object."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from server_support import client, wait_for

pytestmark = pytest.mark.local_only


@dataclass
class Logged:
    url: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)


def _serve(*args: str) -> Iterator[Logged]:
    process = subprocess.Popen(
        [sys.executable, "-m", "headwater", "serve", "--port", "0", "--in-memory",
         "--log-level", "info", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    assert process.stdout is not None and process.stderr is not None
    logged = Logged(process.stdout.readline().strip(), process)
    stderr = process.stderr

    def read() -> None:
        for line in stderr:
            logged.lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        yield logged
    finally:
        process.terminate()
        process.wait(30)
        reader.join(10)
        process.stdout.close()
        stderr.close()


@pytest.fixture
def text_server() -> Iterator[Logged]:
    yield from _serve()


@pytest.fixture
def json_server() -> Iterator[Logged]:
    yield from _serve("--log-format", "json")


TEXT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO headwater\.requests: request "
                  r"account=(\d{12}) service=(\S+) operation=(\S+) status=(\d+) "
                  r"duration_ms=[\d.]+$")


def test_one_text_line_per_request(text_server: Logged) -> None:
    ddb = client("dynamodb", text_server.url, aws_access_key_id="123456789012")
    ddb.list_tables()
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.describe_table(TableName="missing")
    client("sqs", text_server.url).list_queues()
    client("sns", text_server.url).list_topics()
    lines = wait_for(lambda: (found := [m.groups() for line in text_server.lines
                                         if (m := TEXT.match(line))]) and len(found) >= 4
                     and found)
    assert lines[:4] == [("123456789012", "dynamodb", "ListTables", "200"),
                         ("123456789012", "dynamodb", "DescribeTable", "400"),
                         ("000000000000", "sqs", "ListQueues", "200"),
                         ("000000000000", "sns", "ListTopics", "200")]


def test_json_lines_for_requests_and_trigger_batches(json_server: Logged) -> None:
    import io
    import zipfile

    ddb, lam = client("dynamodb", json_server.url), client("lambda", json_server.url)
    arn = ddb.create_table(
        TableName="logged", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )["TableDescription"]["LatestStreamArn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {}\n")
    lam.create_function(FunctionName="f", Runtime="python3.12", Handler="app.handler",
                        Role="arn:aws:iam::000000000000:role/r", Code={"ZipFile": code.getvalue()})
    uuid = lam.create_event_source_mapping(FunctionName="f", EventSourceArn=arn,
                                           StartingPosition="TRIM_HORIZON")["UUID"]
    ddb.put_item(TableName="logged", Item={"pk": {"S": "a"}})

    def entries() -> list[dict[str, object]]:
        return [json.loads(line) for line in json_server.lines if line.startswith("{")]

    batch = wait_for(lambda: next((e for e in entries() if e["message"] == "trigger batch"),
                                  None), timeout=30)
    assert batch["level"] == "info" and batch["logger"] == "headwater.triggers"
    assert {k: batch[k] for k in ("account", "mapping", "function", "records", "result")} == {
        "account": "000000000000", "mapping": uuid, "function": "f", "records": 1,
        "result": "ok"}
    request = next(e for e in entries() if e.get("operation") == "CreateTable")
    assert request["message"] == "request" and request["service"] == "dynamodb"
    assert request["status"] == 200 and request["account"] == "000000000000"
    assert isinstance(request["duration_ms"], float)
    assert str(request["time"]).endswith("Z")


def test_warning_level_logs_no_requests() -> None:
    gen = _serve("--log-level", "warning")
    server = next(gen)
    client("dynamodb", server.url).list_tables()
    with pytest.raises(StopIteration):
        next(gen)
    assert not [line for line in server.lines if "headwater.requests" in line]
