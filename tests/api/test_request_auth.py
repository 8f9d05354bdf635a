"""`headwater serve --credentials FILE`: every AWS API request must be SigV4-signed by a listed
key; each protocol answers a missing, unknown, wrong or stale signature with AWS's error. A
server without the flag still accepts anything."""

from __future__ import annotations

import datetime
import io
import json
import os
import subprocess
import sys
import textwrap
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.auth
import botocore.session
import orjson
import pytest
import urllib3
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from server_support import Server, serving, sqs_query_protocol_session

ALICE = {"aws_access_key_id": "AKIDALICE", "aws_secret_access_key": "alice-secret"}
BOB = {"aws_access_key_id": "AKIDBOB", "aws_secret_access_key": "bob-secret"}
BOB_ACCOUNT = "111122223333"
FILE = f"""\
[alice]
aws_access_key_id = {ALICE["aws_access_key_id"]}
aws_secret_access_key = {ALICE["aws_secret_access_key"]}

[bob]
aws_access_key_id = {BOB["aws_access_key_id"]}
aws_secret_access_key = {BOB["aws_secret_access_key"]}
aws_account_id = {BOB_ACCOUNT}
"""
WRONG = {"aws_access_key_id": "AKIDALICE", "aws_secret_access_key": "not-alice-secret"}
UNKNOWN = {"aws_access_key_id": "AKIDNOBODY", "aws_secret_access_key": "whatever"}
MISMATCH = ("The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.")
BAD_TOKEN = "The security token included in the request is invalid."
MISSING = "Request is missing Authentication Token"
AWS = Path(sys.executable).with_name("aws")


@pytest.fixture(scope="module")
def credentials_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("auth") / "credentials"
    path.write_text(FILE)
    return path


@pytest.fixture(scope="module")
def secured(credentials_file: Path) -> Iterator[Server]:
    yield from serving("--in-memory", "--credentials", str(credentials_file))


def make(server: Server, service: str, keys: dict[str, str] | None = None,
         signed: bool = True, session: Any = None) -> Any:
    config = Config(retries={"max_attempts": 1, "mode": "standard"},
                    **({} if signed else {"signature_version": UNSIGNED}))
    return (session or boto3).client(service, endpoint_url=server.url, region_name="us-east-1",
                                     config=config, **(keys or ALICE))


@pytest.fixture(scope="module")
def legacy_sqs_session(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A boto3 session whose SQS client speaks the query protocol."""
    return sqs_query_protocol_session(tmp_path_factory.mktemp("models"))


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def table(ddb: Any) -> str:
    name = unique("auth")
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST",
                     StreamSpecification={"StreamEnabled": True,
                                          "StreamViewType": "NEW_IMAGE"})
    return name


def test_the_right_key_works_for_every_service(secured: Server, legacy_sqs_session: Any
                                                ) -> None:
    ddb = make(secured, "dynamodb")
    name = table(ddb)
    ddb.put_item(TableName=name, Item={"k": {"S": "a"}})
    assert ddb.get_item(TableName=name, Key={"k": {"S": "a"}})["Item"] == {"k": {"S": "a"}}
    streams = make(secured, "dynamodbstreams")
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    assert streams.describe_stream(StreamArn=arn)["StreamDescription"]["StreamArn"] == arn
    sqs = make(secured, "sqs")
    url = sqs.create_queue(QueueName=unique("json"))["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="hi")
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "hi"
    legacy = make(secured, "sqs", session=legacy_sqs_session)
    assert legacy.meta.service_model.protocol == "query"
    legacy_url = legacy.create_queue(QueueName=unique("query"))["QueueUrl"]
    legacy.send_message(QueueUrl=legacy_url, MessageBody="hey")
    assert legacy.receive_message(QueueUrl=legacy_url)["Messages"][0]["Body"] == "hey"
    sns = make(secured, "sns")
    topic = sns.create_topic(Name=unique("topic"))["TopicArn"]
    assert sns.publish(TopicArn=topic, Message="m")["MessageId"]
    assert "logGroups" in make(secured, "logs").describe_log_groups()
    assert "Metrics" in make(secured, "cloudwatch").list_metrics()
    assert "Functions" in make(secured, "lambda").list_functions()


def test_a_key_acts_in_its_mapped_account(secured: Server) -> None:
    ddb = make(secured, "dynamodb", BOB)
    name = table(ddb)
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    assert arn.split(":")[4] == BOB_ACCOUNT
    assert name not in make(secured, "dynamodb").list_tables()["TableNames"]
    sqs = make(secured, "sqs", BOB)
    assert f"/{BOB_ACCOUNT}/" in sqs.create_queue(QueueName=unique("bob"))["QueueUrl"]


def test_a_function_calls_dynamodb_with_its_own_accounts_worker_key(secured: Server) -> None:
    ddb = make(secured, "dynamodb", BOB)
    name = table(ddb)
    source = textwrap.dedent(f"""
        import boto3

        def handler(event, context):
            boto3.client("dynamodb").put_item(TableName="{name}",
                                              Item={{"k": {{"S": event["k"]}}}})
            return boto3.client("dynamodb").list_tables()["TableNames"]
        """)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", source)
    lam = make(secured, "lambda", BOB)
    function = unique("fn")
    lam.create_function(FunctionName=function, Runtime="python3.11", Handler="app.handler",
                        Role=f"arn:aws:iam::{BOB_ACCOUNT}:role/r",
                        Code={"ZipFile": buffer.getvalue()})
    response = lam.invoke(FunctionName=function, Payload=orjson.dumps({"k": "from-fn"}))
    payload = orjson.loads(response["Payload"].read())
    assert "FunctionError" not in response, payload
    assert name in payload  # the worker sees Bob's account's tables
    assert ddb.get_item(TableName=name, Key={"k": {"S": "from-fn"}})["Item"]
    lam.delete_function(FunctionName=function)


# (service, call, code and status per failure: wrong secret, unknown key, unsigned)
PROTOCOLS: list[tuple[str, Callable[[Any], Any], dict[str, tuple[str, int]]]] = [
    ("dynamodb", lambda c: c.list_tables(), {
        "wrong": ("InvalidSignatureException", 400), "unknown": ("UnrecognizedClientException", 400),
        "unsigned": ("MissingAuthenticationTokenException", 400)}),
    ("dynamodbstreams", lambda c: c.list_streams(), {
        "wrong": ("InvalidSignatureException", 400), "unknown": ("UnrecognizedClientException", 400),
        "unsigned": ("MissingAuthenticationTokenException", 400)}),
    ("logs", lambda c: c.describe_log_groups(), {
        "wrong": ("InvalidSignatureException", 400), "unknown": ("UnrecognizedClientException", 400),
        "unsigned": ("MissingAuthenticationTokenException", 400)}),
    ("lambda", lambda c: c.list_functions(), {
        "wrong": ("InvalidSignatureException", 403), "unknown": ("UnrecognizedClientException", 403),
        "unsigned": ("MissingAuthenticationTokenException", 403)}),
    ("sqs", lambda c: c.list_queues(), {
        "wrong": ("SignatureDoesNotMatch", 403), "unknown": ("InvalidClientTokenId", 403),
        "unsigned": ("MissingAuthenticationToken", 403)}),
    ("sqs-query", lambda c: c.list_queues(), {
        "wrong": ("SignatureDoesNotMatch", 403), "unknown": ("InvalidClientTokenId", 403),
        "unsigned": ("MissingAuthenticationToken", 403)}),
    ("sns", lambda c: c.list_topics(), {
        "wrong": ("SignatureDoesNotMatch", 403), "unknown": ("InvalidClientTokenId", 403),
        "unsigned": ("MissingAuthenticationToken", 403)}),
    ("cloudwatch", lambda c: c.list_metrics(), {
        "wrong": ("SignatureDoesNotMatch", 403), "unknown": ("InvalidClientTokenId", 403),
        "unsigned": ("MissingAuthenticationToken", 403)}),
]
MESSAGES = {"wrong": MISMATCH, "unknown": BAD_TOKEN, "unsigned": MISSING}


def _client(secured: Server, service: str, session: Any, failure: str) -> Any:
    keys = {"wrong": WRONG, "unknown": UNKNOWN}.get(failure, ALICE)
    if service == "sqs-query":
        return make(secured, "sqs", keys, failure != "unsigned", session)
    return make(secured, service, keys, failure != "unsigned")


@pytest.mark.parametrize(("service", "call", "expected"), PROTOCOLS,
                         ids=[service for service, _, _ in PROTOCOLS])
@pytest.mark.parametrize("failure", ["wrong", "unknown", "unsigned"])
def test_bad_credentials_get_each_protocols_error(
        secured: Server, legacy_sqs_session: Any, service: str, call: Callable[[Any], Any],
        expected: dict[str, tuple[str, int]], failure: str) -> None:
    client = _client(secured, service, legacy_sqs_session, failure)
    with pytest.raises(ClientError) as caught:
        call(client)
    error = caught.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (
        expected[failure])
    assert error["Error"]["Message"] == MESSAGES[failure]


@pytest.mark.parametrize(("service", "call", "code", "status"), [
    ("dynamodb", lambda c: c.list_tables(), "InvalidSignatureException", 400),
    ("lambda", lambda c: c.list_functions(), "InvalidSignatureException", 403),
    ("sns", lambda c: c.list_topics(), "SignatureDoesNotMatch", 403),
])
def test_a_request_signed_over_15_minutes_ago_has_expired(
        secured: Server, monkeypatch: pytest.MonkeyPatch, service: str,
        call: Callable[[Any], Any], code: str, status: int) -> None:
    client = make(secured, service)
    then = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) - datetime.timedelta(
        minutes=16)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: then)
    with pytest.raises(ClientError) as caught:
        call(client)
    error = caught.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (code, status)
    stamp = then.strftime("%Y%m%dT%H%M%SZ")
    assert error["Error"]["Message"].startswith(f"Signature expired: {stamp} is now earlier than ")
    assert error["Error"]["Message"].endswith(" - 15 min.)")


def signed_request(server: Server, method: str, path: str, body: bytes = b"",
                   keys: dict[str, str] = ALICE) -> urllib3.BaseHTTPResponse:
    request = AWSRequest(method=method, url=server.url + path, data=body)
    SigV4Auth(Credentials(keys["aws_access_key_id"], keys["aws_secret_access_key"]),
              "headwater", "us-east-1").add_auth(request)
    prepared = request.prepare()
    return urllib3.request(method, prepared.url, body=body, headers=dict(prepared.headers))


def test_health_and_metrics_stay_open_and_the_clock_needs_a_signature(secured: Server) -> None:
    for path in ("/", "/_headwater/health", "/metrics"):
        assert urllib3.request("GET", secured.url + path).status == 200, path
    refused = urllib3.request("POST", secured.url + "/_headwater/clock", body=b'{"advance":1}')
    assert refused.status == 403
    assert orjson.loads(refused.data) == {
        "__type": "com.amazon.coral.service#MissingAuthenticationTokenException",
        "message": MISSING}
    assert urllib3.request("GET", secured.url + "/_headwater/clock").status == 403
    assert signed_request(secured, "GET", "/_headwater/clock", keys=WRONG).status == 403
    before = orjson.loads(signed_request(secured, "GET", "/_headwater/clock").data)["offset"]
    moved = signed_request(secured, "POST", "/_headwater/clock", b'{"advance": 5}')
    assert moved.status == 200
    assert orjson.loads(moved.data)["offset"] == before + 5


def test_the_aws_cli_works_with_a_profile_from_the_same_file(
        secured: Server, credentials_file: Path, tmp_path: Path) -> None:
    env = {**os.environ, "AWS_SHARED_CREDENTIALS_FILE": str(credentials_file),
           "AWS_CONFIG_FILE": str(tmp_path / "config"), "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_PAGER": ""}
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                 "AWS_PROFILE"):
        env.pop(name, None)

    def aws(profile: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(AWS), "--endpoint-url", secured.url, "--profile", profile,
                               "--output", "json", "dynamodb", "list-tables"],
                              env=env, capture_output=True, text=True, timeout=60)

    done = aws("alice")
    assert done.returncode == 0, done.stderr
    assert "TableNames" in json.loads(done.stdout)
    (tmp_path / "other").write_text("[mallory]\naws_access_key_id = AKIDALICE\n"
                                    "aws_secret_access_key = guess\n")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "other")
    refused = aws("mallory")
    assert refused.returncode != 0
    assert "InvalidSignatureException" in refused.stderr


def test_a_server_without_credentials_accepts_anything(server: Server) -> None:
    for keys in (ALICE, UNKNOWN, WRONG):
        assert "TableNames" in make(server, "dynamodb", keys).list_tables()
    assert "TableNames" in make(server, "dynamodb", signed=False).list_tables()
    assert "Functions" in make(server, "lambda", signed=False).list_functions()
    assert "Topics" in make(server, "sns", UNKNOWN).list_topics()
    assert urllib3.request("GET", server.url + "/_headwater/clock").status == 200


def _injected(server: Server, service: str, target: str, body: bytes, in_front: str,
              keys: dict[str, str] = ALICE) -> urllib3.BaseHTTPResponse:
    """A request correctly signed with `keys`, `in_front` then inserted into its Authorization
    header after the algorithm (the header itself is not covered by the signature)."""
    request = AWSRequest(method="POST", url=server.url + "/", data=body,
                         headers={"X-Amz-Target": target,
                                  "Content-Type": "application/x-amz-json-1.0"})
    SigV4Auth(Credentials(keys["aws_access_key_id"], keys["aws_secret_access_key"]),
              service, "us-east-1").add_auth(request)
    prepared = request.prepare()
    headers = dict(prepared.headers)
    algorithm, _, rest = headers["Authorization"].partition(" ")
    headers["Authorization"] = f"{algorithm} {in_front}{rest}"
    return urllib3.request("POST", prepared.url, body=body, headers=headers)


@pytest.mark.parametrize("in_front", [
    f"XCredential={BOB_ACCOUNT}/20240101/us-east-1/dynamodb/aws4_request, ",
    f"Credential={BOB_ACCOUNT}/20240101/us-east-1/dynamodb/aws4_request, ",
    "Signature=0, ",
    "Credential, ",
])
def test_an_injected_credential_cannot_pick_another_account(secured: Server,
                                                             in_front: str) -> None:
    """Issue 12 item 1: the account came from the first `Credential=` substring, so a request
    signed by Alice with `XCredential=BOB_ACCOUNT/...` in front acted in Bob's account."""
    name = table(make(secured, "dynamodb", BOB))
    plain = _injected(secured, "dynamodb", "DynamoDB_20120810.ListTables", b"{}", "")
    assert plain.status == 200
    assert name not in orjson.loads(plain.data)["TableNames"]
    answer = _injected(secured, "dynamodb", "DynamoDB_20120810.ListTables", b"{}", in_front)
    assert answer.status == 400, answer.data
    error = orjson.loads(answer.data)
    assert error["__type"] == "com.amazon.coral.service#IncompleteSignatureException"
    assert name not in answer.data.decode()
