"""Lambda's execution-role checks under --enforce-iam, with AWS's exact errors (issue 13 §4;
aws-facts §3.4, §7), and handlers that run as their role (§6): a handler denied, then allowed
after PutRolePolicy; a mapping that stops when its role loses the stream actions and recovers
when they are restored."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from enforcement_support import (
    ACCOUNT,
    LAMBDA_TRUST,
    OTHER,
    allow,
    item,
    name,
    policy,
    zip_source,
)
from server_support import expect_error, wait_for

STREAM_ACTIONS = ["dynamodb:GetRecords", "dynamodb:GetShardIterator",
                  "dynamodb:DescribeStream", "dynamodb:ListStreams"]
CANNOT_ASSUME = "The role defined for the function cannot be assumed by Lambda."
ECHO = "def handler(event, context):\n    return event\n"
# Writes the item its event names, and answers what happened.
WRITER = '''
import os, boto3
from botocore.exceptions import ClientError

def handler(event, context):
    try:
        boto3.client("dynamodb").put_item(TableName=event["table"],
                                          Item={"pk": {"S": "from-handler"}})
    except ClientError as error:
        return {"code": error.response["Error"]["Code"],
                "message": error.response["Error"]["Message"]}
    return {"code": "OK"}
'''
# Writes every record key it receives into the table named in $SINK.
FORWARDER = '''
import os, boto3

def handler(event, context):
    ddb = boto3.client("dynamodb")
    for record in event["Records"]:
        key = record["dynamodb"]["Keys"]["pk"]["S"]
        ddb.put_item(TableName=os.environ["SINK"], Item={"pk": {"S": key}})
    return {}
'''


@pytest.fixture
def functions(root: Callable[..., Any]) -> Iterator[Callable[..., str]]:
    lam = root("lambda")
    made: list[str] = []

    def create(role: str, source: str = ECHO, **kwargs: Any) -> str:
        function = name("fn")
        lam.create_function(FunctionName=function, Runtime="python3.12", Role=role,
                            Handler="handler.handler", Code={"ZipFile": zip_source(source)},
                            Timeout=10, **kwargs)
        made.append(function)
        return function

    yield create
    for function in made:
        lam.delete_function(FunctionName=function)


def test_a_missing_or_untrusting_role_cannot_be_assumed(root: Callable[..., Any],
                                                        make_role: Callable[..., str],
                                                        functions: Callable[..., str]) -> None:
    lam = root("lambda")
    missing = f"arn:aws:iam::{ACCOUNT}:role/no-such-role"
    untrusting = make_role(trust=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
         "Action": "sts:AssumeRole"}]}))
    for role in (missing, untrusting):
        expect_error(lam.create_function, "InvalidParameterValueException", CANNOT_ASSUME,
                     FunctionName=name("fn"), Runtime="python3.12", Role=role,
                     Handler="handler.handler", Code={"ZipFile": zip_source(ECHO)})
    function = functions(make_role())
    expect_error(lam.update_function_configuration, "InvalidParameterValueException",
                 CANNOT_ASSUME, FunctionName=function, Role=untrusting)


def test_a_dead_letter_queue_the_role_cannot_send_to(root: Callable[..., Any],
                                                     make_role: Callable[..., str]) -> None:
    queue = root("sqs").create_queue(QueueName=name("dlq"))["QueueUrl"]
    queue_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:{queue.rsplit('/', 1)[1]}"
    expect_error(root("lambda").create_function, "InvalidParameterValueException",
                 "The provided execution role does not have permissions to call SendMessage "
                 "on SQS", FunctionName=name("fn"), Runtime="python3.12", Role=make_role(),
                 Handler="handler.handler", Code={"ZipFile": zip_source(ECHO)},
                 DeadLetterConfig={"TargetArn": queue_arn})


def test_a_mapping_needs_the_stream_actions_and_its_destination(
        root: Callable[..., Any], make_role: Callable[..., str], make_table: Callable[..., str],
        functions: Callable[..., str]) -> None:
    lam, ddb = root("lambda"), root("dynamodb")
    table = make_table(stream=True)
    stream = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    function = functions(make_role(allow(STREAM_ACTIONS[:3])))
    expect_error(lam.create_event_source_mapping, "InvalidParameterValueException",
                 f"Cannot access stream {stream}. Please ensure the role can perform the "
                 "GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on "
                 "your stream in IAM.", EventSourceArn=stream, FunctionName=function,
                 StartingPosition="LATEST")
    queue = root("sqs").create_queue(QueueName=name("q"))["QueueUrl"]
    queue_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:{queue.rsplit('/', 1)[1]}"
    reader = functions(make_role(allow(STREAM_ACTIONS, stream)))
    expect_error(lam.create_event_source_mapping, "InvalidParameterValueException",
                 "The provided execution role does not have permissions to call SendMessage "
                 "on SQS", EventSourceArn=stream, FunctionName=reader,
                 StartingPosition="LATEST",
                 DestinationConfig={"OnFailure": {"Destination": queue_arn}})
    mapping = lam.create_event_source_mapping(EventSourceArn=stream, FunctionName=reader,
                                              StartingPosition="LATEST", Enabled=False)
    lam.delete_event_source_mapping(UUID=mapping["UUID"])


def test_a_handler_runs_as_its_role(root: Callable[..., Any], make_role: Callable[..., str],
                                    make_table: Callable[..., str],
                                    functions: Callable[..., str]) -> None:
    table = make_table()
    role = make_role()
    function = functions(role, WRITER)
    role_name = role.rsplit("/", 1)[1]
    lam = root("lambda")

    def run() -> dict[str, Any]:
        answer = lam.invoke(FunctionName=function, Payload=json.dumps({"table": table}))
        result: dict[str, Any] = json.loads(answer["Payload"].read())
        return result

    resource = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{table}"
    assert run() == {
        "code": "AccessDeniedException",
        "message": f"User: arn:aws:sts::{ACCOUNT}:assumed-role/{role_name}/{function} is not "
                   f"authorized to perform: dynamodb:PutItem on resource: {resource} because "
                   "no identity-based policy allows the dynamodb:PutItem action"}
    root("iam").put_role_policy(RoleName=role_name, PolicyName="write",
                                PolicyDocument=policy(allow("dynamodb:PutItem", resource)))
    assert run() == {"code": "OK"}
    assert root("dynamodb").get_item(TableName=table, Key=item("from-handler"))["Item"]


def test_a_mapping_stops_and_recovers_with_its_roles_policy(
        root: Callable[..., Any], make_role: Callable[..., str], make_table: Callable[..., str],
        functions: Callable[..., str]) -> None:
    lam, ddb, iam = root("lambda"), root("dynamodb"), root("iam")
    source, sink = make_table(stream=True), make_table()
    stream = ddb.describe_table(TableName=source)["Table"]["LatestStreamArn"]
    sink_arn = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{sink}"
    role = make_role(allow("dynamodb:PutItem", sink_arn))
    role_name = role.rsplit("/", 1)[1]
    reading = policy(allow(STREAM_ACTIONS, stream))
    iam.put_role_policy(RoleName=role_name, PolicyName="read", PolicyDocument=reading)
    function = functions(role, FORWARDER, Environment={"Variables": {"SINK": sink}})
    uuid = lam.create_event_source_mapping(EventSourceArn=stream, FunctionName=function,
                                           StartingPosition="TRIM_HORIZON",
                                           BatchSize=1)["UUID"]

    def arrived(key: str) -> bool:
        return "Item" in ddb.get_item(TableName=sink, Key=item(key))

    ddb.put_item(TableName=source, Item=item("first"))
    wait_for(lambda: arrived("first"), timeout=20)
    wait_for(lambda: lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] == "OK")

    iam.delete_role_policy(RoleName=role_name, PolicyName="read")
    ddb.put_item(TableName=source, Item=item("second"))
    mapping = wait_for(lambda: (found := lam.get_event_source_mapping(UUID=uuid))[
        "LastProcessingResult"].startswith("PROBLEM") and found, timeout=20)
    assert mapping["LastProcessingResult"] == (
        "PROBLEM: Lambda doesn't have permission to read from the stream")
    assert mapping["State"] == "Enabled"
    # The consumer checks the role before every read, so nothing got through.
    assert not arrived("second")

    iam.put_role_policy(RoleName=role_name, PolicyName="read", PolicyDocument=reading)
    wait_for(lambda: arrived("second"), timeout=20)
    wait_for(lambda: lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] == "OK")
    lam.delete_event_source_mapping(UUID=uuid)


def test_a_cross_account_trigger_needs_the_streams_policy(
        root: Callable[..., Any], other_root: Callable[..., Any],
        make_table: Callable[..., str]) -> None:
    """Issue 13 §5: a function in another account reads this account's stream once the
    stream's resource policy allows its role (its own policy must allow it too)."""
    ddb = root("dynamodb")
    source = make_table(stream=True)
    stream = ddb.describe_table(TableName=source)["Table"]["LatestStreamArn"]
    other_iam, other_lambda, other_ddb = (other_root("iam"), other_root("lambda"),
                                          other_root("dynamodb"))
    sink = name("sink")
    other_ddb.create_table(TableName=sink, BillingMode="PAY_PER_REQUEST",
                           KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                           AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    role_name = name("role")
    role = other_iam.create_role(RoleName=role_name,
                                 AssumeRolePolicyDocument=LAMBDA_TRUST)["Role"]["Arn"]
    other_iam.put_role_policy(RoleName=role_name, PolicyName="p", PolicyDocument=policy(
        allow(STREAM_ACTIONS, stream),
        allow("dynamodb:PutItem", f"arn:aws:dynamodb:us-east-1:{OTHER}:table/{sink}")))
    function = name("fn")
    other_lambda.create_function(
        FunctionName=function, Runtime="python3.12", Role=role, Handler="handler.handler",
        Code={"ZipFile": zip_source(FORWARDER)}, Environment={"Variables": {"SINK": sink}})
    expect_error(other_lambda.create_event_source_mapping, "InvalidParameterValueException",
                 f"Cannot access stream {stream}. Please ensure the role can perform the "
                 "GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on "
                 "your stream in IAM.", EventSourceArn=stream, FunctionName=function,
                 StartingPosition="TRIM_HORIZON")
    ddb.put_resource_policy(ResourceArn=stream, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": role}, "Action": STREAM_ACTIONS,
            "Resource": stream}]}))
    uuid = other_lambda.create_event_source_mapping(
        EventSourceArn=stream, FunctionName=function, StartingPosition="TRIM_HORIZON")["UUID"]
    ddb.put_item(TableName=source, Item=item("shared"))
    wait_for(lambda: "Item" in other_ddb.get_item(TableName=sink, Key=item("shared")),
             timeout=20)
    other_lambda.delete_event_source_mapping(UUID=uuid)
    other_lambda.delete_function(FunctionName=function)
