"""Invoke's request id is the invocation's (context.aws_request_id, the START line, an Event
invocation's destination record), and Event invocations of a function with reserved concurrency
0 go to OnFailure with condition ZeroReservedConcurrency instead of waiting (aws-facts §5.4)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from functions_support import Factory, wait_until

ISO_MILLIS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
# Reports its request id to the queue in OUT (when set) and returns it.
REPORTS = ("import boto3, os\n"
           "def handler(e, c):\n"
           "    if 'OUT' in os.environ:\n"
           "        boto3.client('sqs').send_message(QueueUrl=os.environ['OUT'],\n"
           "                                         MessageBody=c.aws_request_id)\n"
           "    return c.aws_request_id\n")


def receive_one(sqs: Any, url: str, timeout: float = 15.0) -> str:
    """The body of the one message that arrives on `url`."""
    found: list[str] = []

    def check() -> bool:
        for message in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0,
                                           MaxNumberOfMessages=10).get("Messages", []):
            found.append(message["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return bool(found)

    assert wait_until(check, timeout)
    assert len(found) == 1, found
    return found[0]


def log_lines(logs: Any, name: str, pattern: str) -> list[str]:
    try:
        return [event["message"] for event in logs.filter_log_events(
            logGroupName=f"/aws/lambda/{name}", filterPattern=pattern)["events"]]
    except logs.exceptions.ResourceNotFoundException:
        return []


def arn_of(lam: Any, name: str) -> str:
    return str(lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"])


def test_event_invocation_runs_under_the_invoke_request_id(
        lambda_: Any, sqs: Any, logs: Any, make_function: Factory,
        make_queue: Callable[[], tuple[str, str]]) -> None:
    out, destination = make_queue(), make_queue()
    name = make_function(REPORTS, Timeout=30, Environment={"Variables": {"OUT": out[0]}})
    lambda_.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": destination[1]}})
    response = lambda_.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": 1}')
    assert response["StatusCode"] == 202
    request_id = response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    assert request_id == response["ResponseMetadata"]["RequestId"]
    assert receive_one(sqs, out[0]) == request_id
    record = json.loads(receive_one(sqs, destination[0]))
    assert record["requestContext"]["requestId"] == request_id
    assert record["requestContext"]["condition"] == "Success"
    assert record["responsePayload"] == request_id
    assert wait_until(lambda: len(log_lines(logs, name, f'"END RequestId: {request_id}"')) == 1)
    assert len(log_lines(logs, name, f'"START RequestId: {request_id}"')) == 1


def test_request_response_runs_under_the_invoke_request_id(lambda_: Any,
                                                           make_function: Factory) -> None:
    name = make_function(REPORTS)
    response = lambda_.invoke(FunctionName=name, Payload=b"{}")
    assert json.loads(response["Payload"].read()) == response["ResponseMetadata"]["RequestId"]


def test_zero_reserved_concurrency_sends_events_to_on_failure(
        lambda_: Any, sqs: Any, logs: Any, make_function: Factory,
        make_queue: Callable[[], tuple[str, str]]) -> None:
    destination = make_queue()
    name = make_function(REPORTS)
    lambda_.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    lambda_.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnFailure": {"Destination": destination[1]}})
    response = lambda_.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": 2}')
    assert response["StatusCode"] == 202
    record = json.loads(receive_one(sqs, destination[0]))
    assert ISO_MILLIS.fullmatch(record.pop("timestamp"))
    assert list(record) == ["version", "requestContext", "requestPayload"]
    assert record == {
        "version": "1.0",
        "requestContext": {
            "requestId": response["ResponseMetadata"]["RequestId"],
            "functionArn": f"{arn_of(lambda_, name)}:$LATEST",
            "condition": "ZeroReservedConcurrency",
            "approximateInvokeCount": 0,
        },
        "requestPayload": {"id": 2},
    }
    assert log_lines(logs, name, '"START RequestId"') == []


def test_zero_reserved_concurrency_without_destination_drops_events(
        lambda_: Any, sqs: Any, logs: Any, make_function: Factory,
        make_queue: Callable[[], tuple[str, str]]) -> None:
    destination = make_queue()
    name, witness = make_function(REPORTS), make_function(REPORTS)
    for function in (name, witness):
        lambda_.put_function_concurrency(FunctionName=function, ReservedConcurrentExecutions=0)
    lambda_.put_function_event_invoke_config(
        FunctionName=witness, DestinationConfig={"OnFailure": {"Destination": destination[1]}})
    lambda_.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": 3}')
    # The queue takes events in order: the witness's record shows it is past the first event.
    lambda_.invoke(FunctionName=witness, InvocationType="Event", Payload=b'{"id": 4}')
    assert json.loads(receive_one(sqs, destination[0]))["requestPayload"] == {"id": 4}
    lambda_.delete_function_concurrency(FunctionName=name)
    assert not wait_until(lambda: bool(log_lines(logs, name, '"START RequestId"')), timeout=1.5)
