"""SNS delivery to Lambda subscribers: an Event invocation with SNS's Lambda event."""

from __future__ import annotations

import io
import textwrap
import zipfile
from collections.abc import Callable
from typing import Any

import orjson
from server_support import Server
from sqs_support import error_of

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
HANDLER = """
import json, os
import boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["OUT"], MessageBody=json.dumps(event))
"""


def _zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", textwrap.dedent(source))
    return buffer.getvalue()


def test_publish_invokes_a_subscribed_function(
        sns_hw: Server, sns: Any, sns_sqs: Any, make_topic: Callable[[], str],
        make_queue_arn: Callable[[], tuple[str, str]], unique: Callable[[str], str]) -> None:
    lam = sns_hw.client("lambda")
    topic = make_topic()
    out, _ = make_queue_arn()
    name = unique("fn")
    function_arn = lam.create_function(
        FunctionName=name, Runtime="python3.11", Role=ROLE, Handler="app.handler",
        Code={"ZipFile": _zip(HANDLER)}, Environment={"Variables": {"OUT": out}},
    )["FunctionArn"]
    try:
        subscription = sns.subscribe(TopicArn=topic, Protocol="lambda",
                                     Endpoint=function_arn)["SubscriptionArn"]
        message_id = sns.publish(TopicArn=topic, Message="to the function", MessageAttributes={
            "k": {"DataType": "String", "StringValue": "v"}})["MessageId"]
        [received] = sns_sqs.receive_message(QueueUrl=out, WaitTimeSeconds=20)["Messages"]
        [record] = orjson.loads(received["Body"])["Records"]
        assert record["EventSource"] == "aws:sns"
        assert record["EventVersion"] == "1.0"
        assert record["EventSubscriptionArn"] == subscription
        sns_part = record["Sns"]
        assert sns_part["MessageId"] == message_id
        assert sns_part["TopicArn"] == topic
        assert sns_part["Subject"] is None
        assert sns_part["Message"] == "to the function"
        assert sns_part["MessageAttributes"] == {"k": {"Type": "String", "Value": "v"}}
        assert sns_part["SigningCertUrl"].startswith("https://sns.us-east-1.amazonaws.com/")
        assert sns_part["UnsubscribeUrl"].endswith(subscription)
    finally:
        lam.delete_function(FunctionName=name)


def test_lambda_subscription_checks(sns: Any, make_topic: Callable[[], str]) -> None:
    topic = make_topic()
    error = error_of(lambda: sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint="fn"))
    assert error["Message"] == "Invalid parameter: Lambda endpoint ARN"
    error = error_of(lambda: sns.subscribe(
        TopicArn=topic, Protocol="lambda",
        Endpoint="arn:aws:lambda:us-east-1:000000000000:function:f",
        Attributes={"RawMessageDelivery": "true"}))
    assert error["Message"] == ("Invalid parameter: Attributes Reason: Delivery protocol "
                                "[lambda] does not support raw message delivery.")
