"""The HTTP/1.1 server (http/server.py) over raw sockets: keep-alive and close, pipelining,
chunked bodies, `Expect: 100-continue`, malformed requests, HEAD, percent-encoded paths, the
body limit, clients that vanish, and reads on one connection seeing writes acknowledged on
another (group commit). One server of its own per module, since some tests feed it garbage."""

from __future__ import annotations

import socket
import struct
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
import pytest
from server_support import Server, serving, wait_for

TIMEOUT = 5.0
MAX_BODY = 16 * 1024 * 1024  # DynamoDB's
HEALTH = b"GET /_headwater/health HTTP/1.1\r\nHost: headwater\r\n\r\n"
NOT_FOUND = {"message": "Not Found"}


@dataclass
class Answer:
    status: int
    reason: str
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


class Connection:
    """One client socket, reading responses as they are framed (status line, headers,
    content-length body)."""

    def __init__(self, server: Server) -> None:
        host, port = server.url.removeprefix("http://").rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=TIMEOUT)
        self.buffer = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        self.buffer += chunk
        return bool(chunk)

    def read(self, *, head: bool = False) -> Answer:
        """The next response; `head` when it answers a HEAD (no body follows)."""
        while b"\r\n\r\n" not in self.buffer:
            assert self._fill(), f"connection closed mid-response: {self.buffer!r}"
        raw, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *lines = raw.decode("latin-1").split("\r\n")
        version, status, reason = status_line.split(" ", 2)
        assert version == "HTTP/1.1", status_line
        headers: dict[str, str] = {}
        for line in lines:
            name, _, value = line.partition(":")
            assert name.lower() not in headers, f"duplicate header {name}"
            headers[name.lower()] = value.strip()
        length = 0 if head or int(status) == 100 else int(headers["content-length"])
        while len(self.buffer) < length:
            assert self._fill(), f"connection closed mid-body: {self.buffer!r}"
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return Answer(int(status), reason, headers, body)

    def closed(self) -> bool:
        """True when the server closed the connection with nothing more to read."""
        try:
            return not self.buffer and not self._fill()
        except ConnectionResetError:
            return not self.buffer

    def close(self) -> None:
        self.sock.close()


def dynamodb(operation: str, body: dict[str, Any], *, close: bool = False) -> bytes:
    payload = orjson.dumps(body)
    return (b"POST / HTTP/1.1\r\nHost: headwater\r\n"
            b"Content-Type: application/x-amz-json-1.0\r\n"
            b"X-Amz-Target: DynamoDB_20120810.%s\r\nContent-Length: %d\r\n%s\r\n%s"
            % (operation.encode(), len(payload), b"Connection: close\r\n" if close else b"",
               payload))


@pytest.fixture(scope="module")
def own_server() -> Iterator[Server]:
    yield from serving("--in-memory")


@pytest.fixture
def conn(own_server: Server) -> Iterator[Connection]:
    connection = Connection(own_server)
    yield connection
    connection.close()


def call(server: Server, operation: str, body: dict[str, Any]) -> Answer:
    """One DynamoDB request on a fresh connection."""
    connection = Connection(server)
    try:
        connection.send(dynamodb(operation, body))
        return connection.read()
    finally:
        connection.close()


def healthy(server: Server) -> bool:
    """A new connection is served."""
    connection = Connection(server)
    try:
        connection.send(HEALTH)
        answer = connection.read()
        return answer.status == 200 and answer.json()["status"] == "ok"
    finally:
        connection.close()


@pytest.fixture(scope="module")
def table(own_server: Server) -> str:
    name = f"http-{uuid.uuid4().hex[:12]}"
    created = call(own_server, "CreateTable", {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]})
    assert created.status == 200, created.body
    wait_for(lambda: call(own_server, "DescribeTable", {"TableName": name})
             .json()["Table"]["TableStatus"] == "ACTIVE")
    return name


def put(table: str, pk: str, value: str) -> dict[str, Any]:
    return {"TableName": table, "Item": {"pk": {"S": pk}, "v": {"S": value}}}


def get(table: str, pk: str) -> dict[str, Any]:
    return {"TableName": table, "Key": {"pk": {"S": pk}}, "ConsistentRead": True}


# keep-alive and close


def test_keep_alive_answers_several_requests_on_one_connection(conn: Connection) -> None:
    for _ in range(3):
        conn.send(HEALTH)
        answer = conn.read()
        assert answer.status == 200
        assert answer.json()["status"] == "ok"
        assert "connection" not in answer.headers
    conn.send(b"GET / HTTP/1.1\r\nHost: headwater\r\n\r\n")
    assert conn.read().body == b"healthy: dynamodb.us-east-1.amazonaws.com "


def test_connection_close_is_answered_then_closed(conn: Connection) -> None:
    conn.send(b"GET /_headwater/health HTTP/1.1\r\nHost: headwater\r\nConnection: close\r\n\r\n")
    answer = conn.read()
    assert (answer.status, answer.headers["connection"]) == (200, "close")
    assert answer.json()["status"] == "ok"
    assert conn.closed()


def test_http_1_0_without_keep_alive_closes(conn: Connection) -> None:
    conn.send(b"GET / HTTP/1.0\r\n\r\n")
    answer = conn.read()
    assert (answer.status, answer.headers["connection"]) == (200, "close")
    assert answer.body == b"healthy: dynamodb.us-east-1.amazonaws.com "
    assert conn.closed()


def test_http_1_0_with_keep_alive_stays_open(conn: Connection) -> None:
    for _ in range(2):
        conn.send(b"GET /_headwater/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        answer = conn.read()
        assert answer.status == 200
        assert answer.headers["connection"] == "keep-alive"  # HTTP/1.0 needs it said


# pipelining


def test_pipelined_requests_are_answered_in_order(conn: Connection) -> None:
    conn.send(HEALTH + dynamodb("ListTables", {}) + b"GET / HTTP/1.1\r\nHost: headwater\r\n\r\n")
    health, tables, root = conn.read(), conn.read(), conn.read()
    assert (health.status, health.json()["status"]) == (200, "ok")
    assert tables.status == 200
    assert isinstance(tables.json()["TableNames"], list)
    assert tables.headers["content-type"] == "application/x-amz-json-1.0"
    assert (root.status, root.body) == (200, b"healthy: dynamodb.us-east-1.amazonaws.com ")
    assert conn.buffer == b""


def test_pipelined_write_then_read_see_each_other_in_order(conn: Connection,
                                                           table: str) -> None:
    # The PutItem waits for its group commit; the GetItem behind it must still come second.
    pk = uuid.uuid4().hex
    conn.send(dynamodb("PutItem", put(table, pk, "one")) + dynamodb("GetItem", get(table, pk))
              + dynamodb("PutItem", put(table, pk, "two")) + dynamodb("GetItem", get(table, pk)))
    answers = [conn.read() for _ in range(4)]
    assert [answer.status for answer in answers] == [200] * 4
    assert [answer.json() for answer in answers] == [
        {}, {"Item": {"pk": {"S": pk}, "v": {"S": "one"}}},
        {}, {"Item": {"pk": {"S": pk}, "v": {"S": "two"}}}]


# request bodies


def test_chunked_request_body(conn: Connection, table: str) -> None:
    pk = uuid.uuid4().hex
    payload = orjson.dumps(put(table, pk, "chunked"))
    pieces = [payload[:7], payload[7:30], payload[30:]]
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces)
    conn.send(b"POST / HTTP/1.1\r\nHost: headwater\r\n"
              b"Content-Type: application/x-amz-json-1.0\r\n"
              b"X-Amz-Target: DynamoDB_20120810.PutItem\r\n"
              b"Transfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n")
    answer = conn.read()
    assert (answer.status, answer.json()) == (200, {})
    conn.send(dynamodb("GetItem", get(table, pk)))
    assert conn.read().json() == {"Item": {"pk": {"S": pk}, "v": {"S": "chunked"}}}


def test_expect_100_continue_gets_interim_answer_first(conn: Connection) -> None:
    payload = b"{}"
    conn.send(b"POST / HTTP/1.1\r\nHost: headwater\r\n"
              b"X-Amz-Target: DynamoDB_20120810.ListTables\r\n"
              b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(payload))
    interim = conn.read()
    assert (interim.status, interim.reason, interim.headers) == (100, "Continue", {})
    conn.send(payload)
    answer = conn.read()
    assert answer.status == 200
    assert isinstance(answer.json()["TableNames"], list)


def test_body_over_the_limit_is_413_and_closes(conn: Connection) -> None:
    conn.send(b"POST / HTTP/1.1\r\nHost: headwater\r\n"
              b"X-Amz-Target: DynamoDB_20120810.ListTables\r\n"
              b"Content-Length: %d\r\n\r\n{" % (MAX_BODY + 1))
    answer = conn.read()
    # AWS's bare 413 (dynalite's connection tests, recorded against DynamoDB).
    assert (answer.status, answer.body) == (413, b"")
    assert answer.headers["connection"] == "close"
    assert conn.closed()


# malformed requests and vanishing clients


@pytest.mark.parametrize("garbage", [
    b"GARBAGE\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS ClientHello on the plain port
    b"GET / HTTP/1.1\r\nHost headwater\r\n\r\n",  # header without a colon
    b"POST / HTTP/1.1\r\nHost: headwater\r\nContent-Length: abc\r\n\r\n",
], ids=["word", "tls", "header", "content-length"])
def test_malformed_request_is_400_and_closes(own_server: Server, conn: Connection,
                                             garbage: bytes) -> None:
    conn.send(garbage)
    answer = conn.read()
    assert (answer.status, answer.headers["connection"]) == (400, "close")
    assert answer.body == b"Malformed HTTP request"
    assert conn.closed()
    assert healthy(own_server)


def test_garbage_after_pipelined_write_answers_the_write_first(own_server: Server,
                                                               conn: Connection,
                                                               table: str) -> None:
    pk = uuid.uuid4().hex
    conn.send(dynamodb("PutItem", put(table, pk, "kept")) + b"GARBAGE\r\n\r\n")
    try:
        first = conn.read()
        assert (first.status, first.json()) == (200, {})
        assert conn.read().status == 400
    finally:
        stored = call(own_server, "GetItem", get(table, pk)).json()
        assert stored == {"Item": {"pk": {"S": pk}, "v": {"S": "kept"}}}


@pytest.mark.parametrize("partial", [
    b"GET /_headwater/hea",
    b"POST / HTTP/1.1\r\nHost: headwater\r\nX-Amz-Tar",
    b"POST / HTTP/1.1\r\nHost: headwater\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n"
    b"Content-Length: 100\r\n\r\n{\"Lim",
    b"POST / HTTP/1.1\r\nHost: headwater\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n5\r\n{\"Li",
    dynamodb("ListTables", {}),  # complete, but gone before the answer
], ids=["request-line", "headers", "body", "chunk", "before-answer"])
def test_client_vanishing_mid_request_leaves_server_serving(own_server: Server,
                                                            partial: bytes) -> None:
    connection = Connection(own_server)
    connection.send(partial)
    # Linger on, 0 s: the close sends a reset, not a polite FIN.
    connection.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()
    assert healthy(own_server)


# HEAD and paths


def test_head_has_content_length_and_no_body(conn: Connection) -> None:
    conn.send(HEALTH)
    expected = conn.read()
    conn.send(b"HEAD /_headwater/health HTTP/1.1\r\nHost: headwater\r\n\r\n" + HEALTH)
    head = conn.read(head=True)
    assert head.status == 200
    assert head.headers["content-length"] == str(len(expected.body))
    # Had a body followed, it would sit where the next status line must be.
    after = conn.read()
    assert (after.status, after.body) == (200, expected.body)
    assert conn.buffer == b""


def test_head_root_answers_as_get_does(conn: Connection) -> None:
    conn.send(b"GET / HTTP/1.1\r\nHost: headwater\r\n\r\n"
              b"HEAD / HTTP/1.1\r\nHost: headwater\r\n\r\n")
    get_answer = conn.read()
    head = conn.read(head=True)
    assert head.status == get_answer.status == 200
    assert head.headers["content-length"] == str(len(get_answer.body))


def test_percent_encoded_path_is_decoded(conn: Connection) -> None:
    arn = "arn:aws:lambda:us-east-1:000000000000:function:nope"
    conn.send(b"GET /2015-03-31/functions/%s HTTP/1.1\r\nHost: headwater\r\n\r\n"
              % arn.replace(":", "%3A").encode())
    answer = conn.read()
    assert answer.status == 404
    assert answer.headers["x-amzn-errortype"] == "ResourceNotFoundException"
    assert answer.json() == {"Type": "User", "Message": f"Function not found: {arn}"}


def test_unknown_path_is_a_routing_404(conn: Connection) -> None:
    conn.send(b"GET /no%2Fsuch HTTP/1.1\r\nHost: headwater\r\n\r\n")
    answer = conn.read()
    assert (answer.status, answer.json()) == (404, NOT_FOUND)


@pytest.mark.parametrize("path", [b"/foo", b"/2015-03-31/functions", b"/000000000000/q",
                                  b"/_headwater/health"])
@pytest.mark.parametrize("target", [b"DynamoDB_20120810.ListTables", b"AmazonSQS.ListQueues"])
def test_calls_to_another_path_than_root_are_404_as_aws_answers(conn: Connection, path: bytes,
                                                                target: bytes) -> None:
    # The answer of AWS's front end to a call it cannot route (dynalite, recorded).
    conn.send(b"POST %s HTTP/1.1\r\nHost: headwater\r\nX-Amz-Target: %s\r\n"
              b"Content-Type: application/x-amz-json-1.0\r\nContent-Length: 2\r\n\r\n{}"
              % (path, target))
    answer = conn.read()
    assert (answer.status, answer.body) == (404, b"<UnknownOperationException/>\n")
    conn.send(HEALTH)  # the connection stays usable
    assert conn.read().status == 200


def test_query_call_at_a_queue_url_is_still_served(conn: Connection) -> None:
    body = b"Action=ListQueues&Version=2012-11-05"
    conn.send(b"POST /000000000000/any-queue HTTP/1.1\r\nHost: headwater\r\n"
              b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s"
              % (len(body), body))
    answer = conn.read()
    assert answer.status == 200
    assert b"<ListQueuesResponse" in answer.body


# durability across connections


def test_write_acknowledged_on_one_connection_is_read_on_another(own_server: Server,
                                                                 table: str) -> None:
    writer, reader = Connection(own_server), Connection(own_server)
    try:
        for n in range(25):
            pk = uuid.uuid4().hex
            writer.send(dynamodb("PutItem", put(table, pk, str(n))))
            assert writer.read().status == 200
            reader.send(dynamodb("GetItem", get(table, pk)))
            read = reader.read()
            assert (read.status, read.json()) == (
                200, {"Item": {"pk": {"S": pk}, "v": {"S": str(n)}}})
    finally:
        writer.close()
        reader.close()
