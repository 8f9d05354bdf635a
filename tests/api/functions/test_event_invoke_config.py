"""Put/Update/Get/Delete/ListFunctionEventInvokeConfig(s), and their effect on Event
invocations: retry attempts, maximum event age (by the clock) and OnSuccess / OnFailure
destinations (SQS, SNS, another function) with AWS's invocation record."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from functions_support import Factory, wait_until
from server_support import CREDENTIALS, Server, client, expect_error, start_server

ISO_MILLIS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
FAILS = "def handler(e, c):\n    print('attempt')\n    raise ValueError('no ' + str(e['id']))\n"
ECHO = "def handler(e, c):\n    return {'got': e, 'id': c.aws_request_id}\n"
QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:somewhere"


@pytest.fixture(scope="module")
def plam(private: Server) -> Any:
    return client("lambda", private.url)


@pytest.fixture(scope="module")
def psqs(private: Server) -> Any:
    return client("sqs", private.url)


@pytest.fixture
def pfunction(plam: Any) -> Iterator[Factory]:
    factory = Factory(plam)
    yield factory
    factory.cleanup()


@pytest.fixture
def queue(psqs: Any, unique: Callable[[str], str]) -> Iterator[tuple[str, str]]:
    url = psqs.create_queue(QueueName=unique("dest"))["QueueUrl"]
    arn = psqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    yield url, arn
    psqs.delete_queue(QueueUrl=url)


def receive(sqs: Any, url: str, timeout: float = 10.0) -> list[dict[str, Any]]:
    """One message's body, as JSON (waits for it)."""
    found: list[dict[str, Any]] = []

    def check() -> bool:
        for message in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0,
                                           MaxNumberOfMessages=10).get("Messages", []):
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return bool(found)

    assert wait_until(check, timeout)
    return found


def attempts(logs: Any, name: str) -> int:
    try:
        return len(logs.filter_log_events(logGroupName=f"/aws/lambda/{name}",
                                          filterPattern="attempt")["events"])
    except logs.exceptions.ResourceNotFoundException:
        return 0


def arn_of(lam: Any, name: str) -> str:
    return str(lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"])


# -- the API ---------------------------------------------------------------------------------

def test_put_get_list_delete(lambda_: Any, make_function: Factory) -> None:
    name = make_function()
    arn = arn_of(lambda_, name)
    put = lambda_.put_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=0, MaximumEventAgeInSeconds=3600)
    assert put["FunctionArn"] == f"{arn}:$LATEST"
    assert put["MaximumRetryAttempts"] == 0 and put["MaximumEventAgeInSeconds"] == 3600
    assert put["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}
    assert put["LastModified"]
    got = lambda_.get_function_event_invoke_config(FunctionName=name)
    assert {k: v for k, v in got.items() if k != "ResponseMetadata"} == \
        {k: v for k, v in put.items() if k != "ResponseMetadata"}
    assert lambda_.get_function_event_invoke_config(
        FunctionName=name, Qualifier="$LATEST")["FunctionArn"] == f"{arn}:$LATEST"
    listed = lambda_.list_function_event_invoke_configs(FunctionName=name)
    assert [c["FunctionArn"] for c in listed["FunctionEventInvokeConfigs"]] == [f"{arn}:$LATEST"]
    delete = lambda_.delete_function_event_invoke_config(FunctionName=name)
    assert delete["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(lambda_.get_function_event_invoke_config, "ResourceNotFoundException",
                 f"The function {arn}:$LATEST doesn't have an EventInvokeConfig", 404,
                 FunctionName=name)
    assert lambda_.list_function_event_invoke_configs(
        FunctionName=name)["FunctionEventInvokeConfigs"] == []


def test_put_replaces_and_update_merges(lambda_: Any, make_function: Factory) -> None:
    name = make_function()
    lambda_.put_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": QUEUE_ARN}})
    updated = lambda_.update_function_event_invoke_config(
        FunctionName=name, MaximumEventAgeInSeconds=60)
    assert updated["MaximumRetryAttempts"] == 1 and updated["MaximumEventAgeInSeconds"] == 60
    assert updated["DestinationConfig"] == {"OnSuccess": {},
                                            "OnFailure": {"Destination": QUEUE_ARN}}
    replaced = lambda_.put_function_event_invoke_config(FunctionName=name,
                                                        MaximumEventAgeInSeconds=120)
    assert "MaximumRetryAttempts" not in replaced
    assert replaced["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}


def test_configs_per_version_and_alias(lambda_: Any, make_function: Factory) -> None:
    name = make_function()
    arn = arn_of(lambda_, name)
    lambda_.publish_version(FunctionName=name)
    lambda_.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    lambda_.put_function_event_invoke_config(FunctionName=name, Qualifier="1",
                                             MaximumRetryAttempts=1)
    lambda_.put_function_event_invoke_config(FunctionName=f"{name}:live",
                                             MaximumRetryAttempts=2)
    lambda_.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
    listed = lambda_.list_function_event_invoke_configs(FunctionName=name)
    assert [(c["FunctionArn"], c["MaximumRetryAttempts"])
            for c in listed["FunctionEventInvokeConfigs"]] == [
        (f"{arn}:$LATEST", 0), (f"{arn}:1", 1), (f"{arn}:live", 2)]
    page = lambda_.list_function_event_invoke_configs(FunctionName=name, MaxItems=2)
    assert len(page["FunctionEventInvokeConfigs"]) == 2
    rest = lambda_.list_function_event_invoke_configs(FunctionName=name,
                                                      Marker=page["NextMarker"])
    assert [c["FunctionArn"] for c in rest["FunctionEventInvokeConfigs"]] == [f"{arn}:live"]
    assert lambda_.get_function_event_invoke_config(
        FunctionName=name, Qualifier="live")["MaximumRetryAttempts"] == 2
    lambda_.delete_alias(FunctionName=name, Name="live")
    assert len(lambda_.list_function_event_invoke_configs(
        FunctionName=name)["FunctionEventInvokeConfigs"]) == 2


def test_errors(lambda_: Any, make_function: Factory) -> None:
    name = make_function()
    arn = arn_of(lambda_, name)
    expect_error(lambda_.put_function_event_invoke_config, "InvalidParameterValueException",
                 "You must specify at least one of error handling or destination setting.",
                 FunctionName=name)
    expect_error(lambda_.put_function_event_invoke_config, "ResourceNotFoundException",
                 "The function doesn't exist.", 404,
                 FunctionName=name + "-missing", MaximumRetryAttempts=1)
    expect_error(lambda_.put_function_event_invoke_config, "ResourceNotFoundException",
                 "The function doesn't exist.", 404,
                 FunctionName=name, Qualifier="7", MaximumRetryAttempts=1)
    expect_error(lambda_.update_function_event_invoke_config, "ResourceNotFoundException",
                 f"The function {arn}:$LATEST doesn't have an EventInvokeConfig", 404,
                 FunctionName=name, MaximumRetryAttempts=1)
    expect_error(lambda_.delete_function_event_invoke_config, "ResourceNotFoundException",
                 f"The function {arn}:$LATEST doesn't have an EventInvokeConfig", 404,
                 FunctionName=name)
    expect_error(lambda_.list_function_event_invoke_configs, "ResourceNotFoundException",
                 "The function doesn't exist.", 404, FunctionName=name + "-missing")
    expect_error(lambda_.put_function_event_invoke_config, "InvalidParameterValueException",
                 "You can't specify the function as a destination for itself.",
                 FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": arn}})
    expect_error(lambda_.put_function_event_invoke_config, "InvalidParameterValueException",
                 f"The destination ARN {arn}-missing is invalid.",
                 FunctionName=name, DestinationConfig={"OnFailure": {"Destination":
                                                                     arn + "-missing"}})
    dynamo = "arn:aws:dynamodb:us-east-1:000000000000:table/t"
    expect_error(lambda_.put_function_event_invoke_config, "InvalidParameterValueException",
                 "The provided destination config DestinationConfig(onSuccess=null, "
                 f"onFailure=OnFailure(destination={dynamo})) is invalid.",
                 FunctionName=name, DestinationConfig={"OnFailure": {"Destination": dynamo}})
    bus = "arn:aws:events:us-east-1:000000000000:event-bus/default"
    expect_error(lambda_.put_function_event_invoke_config, "InvalidParameterValueException",
                 f"Headwater does not support EventBridge event buses as destinations: {bus}",
                 FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": bus}})


def test_out_of_range_values(lambda_: Any, make_function: Factory) -> None:
    name = make_function()
    unchecked = boto3.client("lambda", endpoint_url=lambda_.meta.endpoint_url,
                             config=Config(parameter_validation=False), **CREDENTIALS)
    expect_error(unchecked.put_function_event_invoke_config, "ValidationException",
                 "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to "
                 "satisfy constraint: Member must have value less than or equal to 2",
                 FunctionName=name, MaximumRetryAttempts=3)
    for value in (59, 21601):
        response = expect_error(unchecked.put_function_event_invoke_config,
                                "ValidationException", None, FunctionName=name,
                                MaximumEventAgeInSeconds=value)
        assert f"Value '{value}' at 'maximumEventAgeInSeconds'" in response["Error"]["Message"]


# -- applied to Event invocations (a private server, for its clock) --------------------------

def check_record(record: dict[str, Any], function_arn: str, condition: str, count: int,
                 payload: Any) -> None:
    assert list(record)[:4] == ["version", "timestamp", "requestContext", "requestPayload"]
    assert record["version"] == "1.0"
    assert ISO_MILLIS.fullmatch(record["timestamp"])
    context = record["requestContext"]
    assert list(context) == ["requestId", "functionArn", "condition", "approximateInvokeCount"]
    assert UUID.fullmatch(context["requestId"])
    assert context["functionArn"] == function_arn
    assert context["condition"] == condition
    assert context["approximateInvokeCount"] == count
    assert record["requestPayload"] == payload


@pytest.mark.local_only
def test_on_success_to_sqs(plam: Any, psqs: Any, pfunction: Factory,
                           queue: tuple[str, str]) -> None:
    name = pfunction(ECHO)
    plam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": queue[1]}})
    plam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": 1}')
    [record] = receive(psqs, queue[0])
    assert list(record) == ["version", "timestamp", "requestContext", "requestPayload",
                            "responseContext", "responsePayload"]
    check_record(record, f"{arn_of(plam, name)}:$LATEST", "Success", 1, {"id": 1})
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    assert record["responsePayload"] == {"got": {"id": 1},
                                         "id": record["requestContext"]["requestId"]}


@pytest.mark.local_only
def test_on_failure_after_retries(private: Server, plam: Any, psqs: Any, pfunction: Factory,
                                  queue: tuple[str, str]) -> None:
    logs = client("logs", private.url)
    name = pfunction(FAILS)
    plam.put_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": queue[1]}})
    plam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": 2}')
    assert wait_until(lambda: attempts(logs, name) == 1)
    private.advance(61)
    [record] = receive(psqs, queue[0])
    assert attempts(logs, name) == 2
    check_record(record, f"{arn_of(plam, name)}:$LATEST", "RetriesExhausted", 2, {"id": 2})
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                         "functionError": "Unhandled"}
    assert record["responsePayload"]["errorType"] == "ValueError"
    assert record["responsePayload"]["errorMessage"] == "no 2"
    # Both attempts ran under the invocation's one request id.
    assert len(logs.filter_log_events(
        logGroupName=f"/aws/lambda/{name}",
        filterPattern=f'"START RequestId: {record["requestContext"]["requestId"]}"',
    )["events"]) == 2


@pytest.mark.local_only
def test_no_retries_and_an_alias(plam: Any, psqs: Any, pfunction: Factory,
                                 queue: tuple[str, str]) -> None:
    name = pfunction(FAILS)
    plam.publish_version(FunctionName=name)
    plam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    plam.put_function_event_invoke_config(
        FunctionName=name, Qualifier="live", MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": queue[1]}})
    plam.invoke(FunctionName=name, Qualifier="live", InvocationType="Event",
                Payload=b'{"id": 3}')
    [record] = receive(psqs, queue[0])
    check_record(record, f"{arn_of(plam, name)}:live", "RetriesExhausted", 1, {"id": 3})
    assert record["responseContext"]["executedVersion"] == "1"


@pytest.mark.local_only
def test_event_age_exceeded(private: Server, plam: Any, psqs: Any, pfunction: Factory,
                            queue: tuple[str, str]) -> None:
    logs = client("logs", private.url)
    name = pfunction(FAILS)
    plam.put_function_event_invoke_config(
        FunctionName=name, MaximumEventAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": queue[1]}})
    plam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": 4}')
    assert wait_until(lambda: attempts(logs, name) == 1)
    private.advance(90)  # the retry is due, but the event is older than a minute
    [record] = receive(psqs, queue[0])
    assert list(record) == ["version", "timestamp", "requestContext", "requestPayload"]
    check_record(record, f"{arn_of(plam, name)}:$LATEST", "EventAgeExceeded", 1, {"id": 4})
    assert attempts(logs, name) == 1


@pytest.mark.local_only
def test_on_failure_to_sns(private: Server, plam: Any, psqs: Any, pfunction: Factory,
                           queue: tuple[str, str], unique: Callable[[str], str]) -> None:
    sns = client("sns", private.url)
    topic = sns.create_topic(Name=unique("async"))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue[1])
    name = pfunction(FAILS)
    plam.put_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": topic}})
    plam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": 5}')
    [envelope] = receive(psqs, queue[0])
    assert envelope["Type"] == "Notification" and envelope["TopicArn"] == topic
    check_record(json.loads(envelope["Message"]), f"{arn_of(plam, name)}:$LATEST",
                 "RetriesExhausted", 1, {"id": 5})
    sns.delete_topic(TopicArn=topic)


@pytest.mark.local_only
def test_on_success_to_another_function(plam: Any, psqs: Any, pfunction: Factory,
                                        queue: tuple[str, str]) -> None:
    forward = ("import boto3, json, os\n"
               "def handler(e, c):\n"
               "    boto3.client('sqs').send_message(QueueUrl=os.environ['OUT'],\n"
               "                                     MessageBody=json.dumps(e))\n")
    target = pfunction(forward, Environment={"Variables": {"OUT": queue[0]}})
    name = pfunction(ECHO)
    plam.put_function_event_invoke_config(
        FunctionName=name,
        DestinationConfig={"OnSuccess": {"Destination": arn_of(plam, target)}})
    plam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": 6}')
    [record] = receive(psqs, queue[0], timeout=20)
    check_record(record, f"{arn_of(plam, name)}:$LATEST", "Success", 1, {"id": 6})
    assert record["responsePayload"]["got"] == {"id": 6}


@pytest.mark.local_only
def test_config_survives_a_restart(tmp_path: Any) -> None:
    server = start_server("--data-dir", str(tmp_path))
    try:
        lam = client("lambda", server.url)
        sqs = client("sqs", server.url)
        url = sqs.create_queue(QueueName="after-restart")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        name = Factory(lam)(FAILS)
        lam.put_function_event_invoke_config(
            FunctionName=name, MaximumRetryAttempts=0,
            DestinationConfig={"OnFailure": {"Destination": queue_arn}})
    finally:
        server.stop()
    server = start_server("--data-dir", str(tmp_path))
    try:
        lam = client("lambda", server.url)
        sqs = client("sqs", server.url)
        config = lam.get_function_event_invoke_config(FunctionName=name)
        assert config["MaximumRetryAttempts"] == 0
        assert config["DestinationConfig"]["OnFailure"] == {"Destination": queue_arn}
        lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": 7}')
        [record] = receive(sqs, url)
        assert record["requestContext"]["condition"] == "RetriesExhausted"
        assert record["requestContext"]["approximateInvokeCount"] == 1
    finally:
        server.stop()
