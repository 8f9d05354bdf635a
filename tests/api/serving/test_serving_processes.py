"""`headwater serve --serve-processes N` (docs/multicore.md): serving processes on the owner's
port answer the happy path of DynamoDB reads and forward everything else to the owner.

One server per module, on disk, with two serving processes. Many clients, each with its own
keep-alive connection, so the kernel (SO_REUSEPORT) spreads them over the three processes: the
health endpoint shows reads were answered by serving processes, and every answer must be the
same whichever process a connection reached."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from server_support import Server, expect_error, serving

CONNECTIONS = 12
SERVING = 2


def _health(owner: Server) -> dict[str, Any]:
    connection = http.client.HTTPConnection(owner.url.removeprefix("http://"))
    try:
        connection.request("GET", "/_headwater/health")
        return dict(orjson.loads(connection.getresponse().read()))
    finally:
        connection.close()


def _wait_ready(owner: Server, timeout: float = 30.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        processes = _health(owner).get("serving_processes") or []
        if len(processes) == SERVING and all(p["ready"] for p in processes):
            return list(processes)
        time.sleep(0.05)
    raise AssertionError(f"serving processes not ready: {_health(owner)}")


def _answered(owner: Server) -> int:
    """Reads answered by serving processes so far (as last reported, once a second)."""
    return sum(p["answered"] for p in _health(owner)["serving_processes"])


@pytest.fixture(scope="module")
def owner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("serving")
    yield from serving("--data-dir", str(data_dir), "--serve-processes", str(SERVING))


@pytest.fixture(scope="module")
def clients(owner: Server) -> list[Any]:
    """DynamoDB clients, each on connections of its own (opened at first use)."""
    _wait_ready(owner)
    return [owner.client("dynamodb") for _ in range(CONNECTIONS)]


def _table(ddb: Any, key: str = "pk", key_type: str = "S", **extra: Any) -> str:
    name = f"serve-{uuid.uuid4().hex[:10]}"
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": key, "AttributeType": key_type}],
                     BillingMode="PAY_PER_REQUEST", **extra)
    return name


def test_reads_are_answered_in_serving_processes(owner: Server, clients: list[Any]) -> None:
    table = _table(clients[0])
    for i, ddb in enumerate(clients):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{i}"}, "n": {"N": str(i)}})
    before = _answered(owner)
    for _ in range(3):
        for i, ddb in enumerate(clients):
            other = (i + 5) % CONNECTIONS
            item = ddb.get_item(TableName=table, Key={"pk": {"S": f"k{other}"}})["Item"]
            assert item == {"pk": {"S": f"k{other}"}, "n": {"N": str(other)}}
            got = ddb.batch_get_item(RequestItems={table: {"Keys": [
                {"pk": {"S": f"k{i}"}}, {"pk": {"S": f"k{other}"}}]}})
            assert len(got["Responses"][table]) == 2
            assert ddb.scan(TableName=table)["Count"] == CONNECTIONS
            found = ddb.query(TableName=table, KeyConditionExpression="pk = :p",
                              ExpressionAttributeValues={":p": {"S": f"k{i}"}})
            assert found["Items"] == [{"pk": {"S": f"k{i}"}, "n": {"N": str(i)}}]
    deadline = time.monotonic() + 10
    while _answered(owner) == before and time.monotonic() < deadline:
        time.sleep(0.1)
    processes = _health(owner)["serving_processes"]
    assert sum(p["answered"] for p in processes) > before, processes
    # The writes reached the owner through the serving processes' connections too.
    assert sum(p["forwarded"] for p in processes) > 0, processes


def test_read_after_write_across_connections(clients: list[Any]) -> None:
    table = _table(clients[0])
    for i in range(60):
        writer, reader = clients[i % CONNECTIONS], clients[(i * 7 + 3) % CONNECTIONS]
        writer.put_item(TableName=table, Item={"pk": {"S": "one"}, "n": {"N": str(i)}})
        assert reader.get_item(TableName=table, Key={"pk": {"S": "one"}})["Item"]["n"] == {
            "N": str(i)}
        counted = reader.update_item(TableName=table, Key={"pk": {"S": "count"}},
                                     UpdateExpression="ADD c :one",
                                     ExpressionAttributeValues={":one": {"N": "1"}},
                                     ReturnValues="UPDATED_NEW")
        seen = clients[(i + 1) % CONNECTIONS].get_item(TableName=table,
                                                       Key={"pk": {"S": "count"}})
        assert seen["Item"]["c"] == counted["Attributes"]["c"] == {"N": str(i + 1)}


def test_recreated_table_with_another_key_schema(clients: list[Any]) -> None:
    ddb = clients[0]
    table = _table(ddb)
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "v": {"S": "first"}})
    for reader in clients:  # every process has the table in its catalog now
        assert reader.get_item(TableName=table, Key={"pk": {"S": "a"}})["Item"]["v"] == {
            "S": "first"}
    ddb.delete_table(TableName=table)
    for reader in clients:
        expect_error(reader.get_item, "ResourceNotFoundException",
                     "Requested resource not found", TableName=table, Key={"pk": {"S": "a"}})
    ddb.create_table(TableName=table,
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"},
                                {"AttributeName": "at", "KeyType": "RANGE"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"},
                                           {"AttributeName": "at", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    ddb.put_item(TableName=table, Item={"id": {"N": "1"}, "at": {"S": "x"}, "v": {"S": "second"}})
    for reader in clients:
        item = reader.get_item(TableName=table, Key={"id": {"N": "1"}, "at": {"S": "x"}})
        assert item["Item"]["v"] == {"S": "second"}
        expect_error(reader.get_item, "ValidationException",
                     "The provided key element does not match the schema",
                     TableName=table, Key={"pk": {"S": "a"}})
    # Again with the same key schema: a stale catalog would read the old table's (empty) rows.
    ddb.delete_table(TableName=table)
    ddb.create_table(TableName=table, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    for reader in clients:
        assert "Item" not in reader.get_item(TableName=table, Key={"pk": {"S": "a"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "v": {"S": "third"}})
    for reader in clients:
        assert reader.get_item(TableName=table, Key={"pk": {"S": "a"}})["Item"]["v"] == {
            "S": "third"}


def test_query_on_an_index_added_by_update_table(clients: list[Any]) -> None:
    ddb = clients[0]
    table = _table(ddb)
    for i in range(5):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"p{i}"}, "g": {"S": "shared"}})
    for reader in clients:  # the table without the index in every catalog
        expect_error(reader.query, "ValidationException",
                     "The table does not have the specified index: by-g", TableName=table,
                     IndexName="by-g", KeyConditionExpression="g = :g",
                     ExpressionAttributeValues={":g": {"S": "shared"}})
    ddb.update_table(TableName=table,
                     AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
                     GlobalSecondaryIndexUpdates=[{"Create": {
                         "IndexName": "by-g",
                         "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                         "Projection": {"ProjectionType": "ALL"}}}])
    for reader in clients:
        found = reader.query(TableName=table, IndexName="by-g", KeyConditionExpression="g = :g",
                             ExpressionAttributeValues={":g": {"S": "shared"}})
        assert sorted(item["pk"]["S"] for item in found["Items"]) == [
            f"p{i}" for i in range(5)]


def test_keys_iam_issued_name_their_account(owner: Server, clients: list[Any]) -> None:
    """A key IAM issued belongs to its user's account, which only the owner knows: such reads
    are forwarded. Another AKIA key names the default account, as in the owner."""
    iam = owner.client("iam", aws_access_key_id="111122223333")
    user = f"serve-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    issued = [owner.client("dynamodb", aws_access_key_id=key["AccessKeyId"],
                           aws_secret_access_key=key["SecretAccessKey"])
              for _ in range(CONNECTIONS)]
    unissued = [owner.client("dynamodb", aws_access_key_id="AKIAIOSFODNN7EXAMPLE")
                for _ in range(CONNECTIONS)]
    table = _table(clients[0])  # the same name in the default account and in 111122223333
    _create(issued[0], table)
    clients[0].put_item(TableName=table, Item={"pk": {"S": "a"}, "account": {"S": "default"}})
    issued[0].put_item(TableName=table, Item={"pk": {"S": "a"}, "account": {"S": "other"}})
    for ddb in issued:
        assert ddb.get_item(TableName=table, Key={"pk": {"S": "a"}})["Item"]["account"] == {
            "S": "other"}
    before = _answered(owner)
    for ddb in unissued:
        assert ddb.get_item(TableName=table, Key={"pk": {"S": "a"}})["Item"]["account"] == {
            "S": "default"}
    deadline = time.monotonic() + 10
    while _answered(owner) == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _answered(owner) > before  # not forwarded for being AKIA alone


def _create(ddb: Any, name: str) -> None:
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")


def _raw_answers(owner: Server, target: str, body: bytes) -> set[tuple[int, bytes, tuple[str, ...]]]:
    """The same request on CONNECTIONS connections: (status, body, header names) of each."""
    host = owner.url.removeprefix("http://")
    connections = [http.client.HTTPConnection(host) for _ in range(CONNECTIONS)]
    answers = set()
    try:
        for _ in range(2):
            for connection in connections:
                connection.request("POST", "/", body, {
                    "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target,
                    "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/"
                                     "dynamodb/aws4_request, SignedHeaders=host, Signature=0"})
                response = connection.getresponse()
                names = tuple(sorted(name.lower() for name, _ in response.getheaders()))
                answers.add((response.status, response.read(), names))
    finally:
        for connection in connections:
            connection.close()
    return answers


@pytest.mark.parametrize(("target", "body", "code"), [
    ("GetItem", {"TableName": "serve-missing", "Key": {"pk": {"S": "a"}}},
     b"ResourceNotFoundException"),
    ("Query", {"TableName": "serve-missing", "KeyConditionExpression": "pk = "},
     b"ValidationException"),
    ("Scan", {"TableName": "serve-missing", "Limit": 0}, b"ValidationException"),
    ("BatchGetItem", {"RequestItems": {}}, b"ValidationException"),
    ("GetItem", b"{not json", b"SerializationException"),
])
def test_errors_are_the_owners_on_every_connection(owner: Server, clients: list[Any],
                                                   target: str, body: Any, code: bytes) -> None:
    payload = body if isinstance(body, bytes) else orjson.dumps(body)
    answers = _raw_answers(owner, f"DynamoDB_20120810.{target}", payload)
    assert len(answers) == 1, answers
    (status, answer, names), = answers
    assert status == 400 and code in answer
    assert {"content-type", "x-amzn-requestid", "x-amz-crc32", "content-length"} <= set(names)


@pytest.mark.parametrize(("head", "status", "body"), [
    (b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.GetItem\r\n"
     b"Content-Length: 999999999\r\n\r\n", 413, b""),
    (b"POST /2015-03-31/functions/f/invocations HTTP/1.1\r\nHost: x\r\n"
     b"Content-Length: 999999999\r\n\r\n", 413, b"Request must be smaller than 6291456"),
    (b"POST /2015-03-31/functions/f/invocations HTTP/1.1\r\nHost: x\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n" % (6 << 20 | 1) + b"x" * (6 << 20 | 1),
     413, b"Request must be smaller than 6291456"),
])
def test_a_body_over_the_limit_gets_the_owners_answer(owner: Server, clients: list[Any],
                                                      head: bytes, status: int,
                                                      body: bytes) -> None:
    host, port = owner.url.removeprefix("http://").split(":")
    answers = set()
    for _ in range(CONNECTIONS):
        with socket.create_connection((host, int(port)), timeout=10) as raw:
            raw.sendall(head)
            received = b""
            while b"\r\n\r\n" not in received:
                received += raw.recv(65536)
            top, _, rest = received.partition(b"\r\n\r\n")
            length = int(top.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            while len(rest) < length:
                rest += raw.recv(65536)
            lines = top.split(b"\r\n")
            answers.add((lines[0], tuple(sorted(line.split(b":")[0].lower() for line in lines[1:])),
                         rest.split(b'"RequestId"')[0] if rest else rest))
    assert len(answers) == 1, answers
    (line, names, payload), = answers
    assert line.startswith(b"HTTP/1.1 %d" % status) and body in payload
    assert b"connection" in names


def test_writes_streams_and_lambda_through_every_connection(owner: Server,
                                                            clients: list[Any]) -> None:
    table = _table(clients[0], StreamSpecification={"StreamEnabled": True,
                                                    "StreamViewType": "NEW_IMAGE"})
    for i, ddb in enumerate(clients):
        ddb.put_item(TableName=table, Item={"pk": {"S": "same"}, "n": {"N": str(i)}})
    arn = clients[1].describe_table(TableName=table)["Table"]["LatestStreamArn"]
    streams = owner.client("dynamodbstreams")
    numbers = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        for record in streams.get_records(ShardIterator=iterator)["Records"]:
            numbers.append(record["dynamodb"]["NewImage"]["n"]["N"])
    assert numbers == [str(i) for i in range(CONNECTIONS)]
    lambdas = [owner.client("lambda") for _ in range(4)]
    sys.path.insert(0, str(Path(__file__).parents[1] / "functions"))
    from functions_support import ROLE, handler_zip

    name = f"serve-{uuid.uuid4().hex[:8]}"
    lambdas[0].create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                               Handler="app.handler", Code={"ZipFile": handler_zip(
                                   "def handler(event, context):\n    return event\n")})
    for i, lam in enumerate(lambdas):
        answer = lam.invoke(FunctionName=name, Payload=orjson.dumps({"i": i}))
        assert orjson.loads(answer["Payload"].read()) == {"i": i}


def test_the_console_event_feed_streams_through_every_connection(owner: Server,
                                                                 clients: list[Any]) -> None:
    host, port = owner.url.removeprefix("http://").split(":")
    feeds = [socket.create_connection((host, int(port)), timeout=10) for _ in range(8)]
    try:
        for feed in feeds:
            feed.sendall(b"GET /_headwater/console/events HTTP/1.1\r\nHost: x\r\n\r\n")
            head = b""
            while b"connected" not in head:
                head += feed.recv(4096)
            assert head.startswith(b"HTTP/1.1 200 OK\r\n")
            assert b"content-type: text/event-stream" in head
            assert b"content-length" not in head
        connection = http.client.HTTPConnection(f"{host}:{port}")
        connection.request("POST", "/_headwater/console/api/clock", b'{"advance": 1}')
        assert connection.getresponse().status == 200
        connection.close()
        for feed in feeds:
            seen = b""
            while b"event: clock" not in seen:
                chunk = feed.recv(4096)
                assert chunk, seen
                seen += chunk
    finally:
        for feed in feeds:
            feed.close()


def test_large_items_and_answers_through_every_connection(clients: list[Any]) -> None:
    table = _table(clients[0])
    big = "x" * 350_000
    for i, ddb in enumerate(clients):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{i}"}, "big": {"S": big}})
    for ddb in clients:
        assert ddb.get_item(TableName=table, Key={"pk": {"S": "k3"}})["Item"]["big"]["S"] == big
        found = ddb.scan(TableName=table)  # 1 MB pages: several items each
        assert found["Count"] >= 2 and all(item["big"]["S"] == big for item in found["Items"])


def _statistic(owner: Server, metric: str, dimensions: dict[str, str]) -> float:
    watch = owner.client("cloudwatch")
    now = owner.now()
    points = watch.get_metric_statistics(
        Namespace="AWS/DynamoDB", MetricName=metric,
        Dimensions=[{"Name": k, "Value": v} for k, v in dimensions.items()],
        StartTime=now - 3600, EndTime=now + 3600, Period=60,
        Statistics=["SampleCount", "Sum"])["Datapoints"]
    return float(sum(point["SampleCount"] for point in points))


def test_metrics_count_served_reads(owner: Server, clients: list[Any]) -> None:
    table = _table(clients[0])
    clients[0].put_item(TableName=table, Item={"pk": {"S": "a"}})
    for ddb in clients:
        for _ in range(3):
            ddb.get_item(TableName=table, Key={"pk": {"S": "a"}})
            ddb.query(TableName=table, KeyConditionExpression="pk = :p",
                      ExpressionAttributeValues={":p": {"S": "a"}})
    reads = 2 * 3 * CONNECTIONS
    deadline = time.monotonic() + 10
    counts: tuple[float, ...] = ()
    while time.monotonic() < deadline:
        counts = (_statistic(owner, "ConsumedReadCapacityUnits", {"TableName": table}),
                  _statistic(owner, "SuccessfulRequestLatency",
                             {"TableName": table, "Operation": "GetItem"}),
                  _statistic(owner, "ReturnedItemCount",
                             {"TableName": table, "Operation": "Query"}))
        if counts == (reads, reads / 2, reads / 2):
            break
        time.sleep(0.2)
    assert counts == (reads, reads / 2, reads / 2)


def test_served_reads_are_dated_by_the_virtual_clock(owner: Server, clients: list[Any]) -> None:
    table = _table(clients[0])
    clients[0].put_item(TableName=table, Item={"pk": {"S": "a"}})
    now = owner.advance(3 * 86400)  # the serving processes read the offset from meta
    for ddb in clients:
        ddb.get_item(TableName=table, Key={"pk": {"S": "a"}})
    watch = owner.client("cloudwatch")
    deadline = time.monotonic() + 10
    count = 0.0
    while time.monotonic() < deadline:
        points = watch.get_metric_statistics(
            Namespace="AWS/DynamoDB", MetricName="SuccessfulRequestLatency",
            Dimensions=[{"Name": "TableName", "Value": table},
                        {"Name": "Operation", "Value": "GetItem"}],
            StartTime=now - 120, EndTime=now + 120, Period=60,
            Statistics=["SampleCount"])["Datapoints"]
        count = sum(point["SampleCount"] for point in points)
        if count == CONNECTIONS:
            break
        time.sleep(0.2)
    assert count == CONNECTIONS


def test_reset_restarts_the_serving_processes(owner: Server, clients: list[Any]) -> None:
    table = _table(clients[0])
    before = {p["pid"] for p in _wait_ready(owner)}
    connection = http.client.HTTPConnection(owner.url.removeprefix("http://"))
    connection.request("POST", "/_headwater/reset")
    assert connection.getresponse().status == 200
    connection.close()
    after = {p["pid"] for p in _wait_ready(owner)}
    assert not before & after
    fresh = [owner.client("dynamodb") for _ in range(CONNECTIONS)]
    for ddb in fresh:
        expect_error(ddb.get_item, "ResourceNotFoundException", "Requested resource not found",
                     TableName=table, Key={"pk": {"S": "a"}})
    again = _table(fresh[0])
    fresh[0].put_item(TableName=again, Item={"pk": {"S": "a"}})
    for ddb in fresh:
        assert ddb.get_item(TableName=again, Key={"pk": {"S": "a"}})["Item"] == {
            "pk": {"S": "a"}}


def test_stopping_the_owner_stops_them(owner: Server) -> None:
    pids = [p["pid"] for p in _wait_ready(owner)]
    owner.stop()
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(
            f"/proc/{pid}/status").read_text().lower()


def test_with_credentials_everything_is_forwarded(tmp_path: Path) -> None:
    """Under --credentials callers are verified by the owner: a serving process answers
    nothing itself, and a read signed with a wrong secret is refused the same everywhere."""
    (tmp_path / "credentials").write_text(
        "[default]\naws_access_key_id = AKIDTEST\naws_secret_access_key = secret\n")
    running: Server | None = None
    for running in serving("--data-dir", str(tmp_path / "data"), "--serve-processes", "1",
                           "--credentials", str(tmp_path / "credentials")):
        deadline = time.monotonic() + 30
        while not all(p["ready"] for p in _health(running)["serving_processes"]):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        ddbs = [running.client("dynamodb") for _ in range(CONNECTIONS)]
        table = _table(ddbs[0])
        ddbs[0].put_item(TableName=table, Item={"pk": {"S": "a"}})
        for ddb in ddbs:
            assert ddb.get_item(TableName=table, Key={"pk": {"S": "a"}})["Item"] == {
                "pk": {"S": "a"}}
        for _ in range(CONNECTIONS):
            wrong = running.client("dynamodb", aws_secret_access_key="wrong")
            expect_error(wrong.get_item, "InvalidSignatureException", TableName=table,
                         Key={"pk": {"S": "a"}})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            processes = _health(running)["serving_processes"]
            if processes[0]["forwarded"] > 0:
                break
            time.sleep(0.1)
        assert processes[0]["answered"] == 0 and processes[0]["forwarded"] > 0, processes
    assert running is not None


def test_an_in_memory_server_refuses_them() -> None:
    done = subprocess.run([sys.executable, "-m", "headwater", "serve", "--in-memory",
                           "--port", "0", "--serve-processes", "1"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--serve-processes needs a data directory" in done.stderr


def test_no_serving_processes_by_default(endpoint: str) -> None:
    connection = http.client.HTTPConnection(endpoint.removeprefix("http://"))
    connection.request("GET", "/_headwater/health")
    assert "serving_processes" not in orjson.loads(connection.getresponse().read())
    connection.close()
