"""Issue 12 item 2: under `--credentials` a correctly signed caller cannot reach another
account's resources by ARN or URL unless the resource's policy allows it (issue 13 §5: tables,
streams and functions have resource policies; queues and topics none here), and each service
refuses with its own error; without `--credentials` any account stays reachable, as before."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from server_support import (
    Server,
    expect_error,
    serving_with_credentials,
    sqs_query_protocol_session,
)

OWNER_ACCOUNT, OTHER_ACCOUNT = "111122223333", "444455556666"
OWNER = {"aws_access_key_id": "AKIDOWNER", "aws_secret_access_key": "owner-secret"}
OTHER = {"aws_access_key_id": "AKIDOTHER", "aws_secret_access_key": "other-secret"}
FILE = f"""\
[owner]
aws_access_key_id = {OWNER["aws_access_key_id"]}
aws_secret_access_key = {OWNER["aws_secret_access_key"]}
aws_account_id = {OWNER_ACCOUNT}

[other]
aws_access_key_id = {OTHER["aws_access_key_id"]}
aws_secret_access_key = {OTHER["aws_secret_access_key"]}
aws_account_id = {OTHER_ACCOUNT}
"""
CALLER = f"arn:aws:iam::{OTHER_ACCOUNT}:root"
REGION = "us-east-1"


def denied(action: str, resource: str) -> str:
    return (f"User: {CALLER} is not authorized to perform: {action} on resource: {resource} "
            f"because no resource-based policy allows the {action} action")


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serving_with_credentials(tmp_path_factory.mktemp("accounts"), FILE)


@pytest.fixture(scope="module")
def query_sqs_session(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A boto3 session whose SQS client speaks the query protocol."""
    return sqs_query_protocol_session(tmp_path_factory.mktemp("models"))


def make(server: Server, service: str, keys: dict[str, str], session: Any = None) -> Any:
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    return (session or boto3).client(service, endpoint_url=server.url, region_name=REGION,
                                     config=config, **keys)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def owned_table(server: Server, keys: dict[str, str] = OWNER) -> dict[str, Any]:
    ddb = make(server, "dynamodb", keys)
    name = unique("t")
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST",
                     StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    ddb.put_item(TableName=name, Item={"k": {"S": "a"}, "v": {"S": "secret"}})
    table: dict[str, Any] = ddb.describe_table(TableName=name)["Table"]
    return table


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def function(server: Server, keys: dict[str, str], account: str, **extra: Any) -> str:
    name = unique("fn")
    arn: str = make(server, "lambda", keys).create_function(
        FunctionName=name, Runtime="python3.11", Handler="app.handler",
        Role=f"arn:aws:iam::{account}:role/r", Code={"ZipFile": _zip()}, **extra)["FunctionArn"]
    return arn


# -- DynamoDB and DynamoDB Streams ---------------------------------------------------------

def test_another_accounts_table_is_refused_by_arn(secured: Server) -> None:
    table = owned_table(secured)
    arn, key = table["TableArn"], {"k": {"S": "a"}}
    ddb = make(secured, "dynamodb", OTHER)
    calls: list[tuple[str, Callable[..., Any], dict[str, Any]]] = [
        ("GetItem", ddb.get_item, {"TableName": arn, "Key": key}),
        ("PutItem", ddb.put_item, {"TableName": arn, "Item": {"k": {"S": "b"}}}),
        ("UpdateItem", ddb.update_item, {"TableName": arn, "Key": key,
                                         "UpdateExpression": "SET v = :v",
                                         "ExpressionAttributeValues": {":v": {"S": "x"}}}),
        ("DeleteItem", ddb.delete_item, {"TableName": arn, "Key": key}),
        ("Query", ddb.query, {"TableName": arn, "KeyConditionExpression": "k = :k",
                              "ExpressionAttributeValues": {":k": {"S": "a"}}}),
        ("Scan", ddb.scan, {"TableName": arn}),
        ("DescribeTable", ddb.describe_table, {"TableName": arn}),
        ("UpdateTable", ddb.update_table, {"TableName": arn, "BillingMode": "PAY_PER_REQUEST"}),
        ("DeleteTable", ddb.delete_table, {"TableName": arn}),
        ("ListTagsOfResource", ddb.list_tags_of_resource, {"ResourceArn": arn}),
        ("TagResource", ddb.tag_resource, {"ResourceArn": arn,
                                           "Tags": [{"Key": "a", "Value": "b"}]}),
        ("BatchGetItem", ddb.batch_get_item, {"RequestItems": {arn: {"Keys": [key]}}}),
        ("BatchWriteItem", ddb.batch_write_item, {
            "RequestItems": {arn: [{"PutRequest": {"Item": {"k": {"S": "c"}}}}]}}),
        ("PutItem", ddb.transact_write_items, {"TransactItems": [
            {"Put": {"TableName": arn, "Item": {"k": {"S": "d"}}}}]}),
        ("ConditionCheckItem", ddb.transact_write_items, {"TransactItems": [
            {"ConditionCheck": {"TableName": arn, "Key": key,
                                "ConditionExpression": "attribute_exists(k)"}}]}),
        ("GetItem", ddb.transact_get_items, {"TransactItems": [
            {"Get": {"TableName": arn, "Key": key}}]}),
        ("PartiQLSelect", ddb.execute_statement, {"Statement": f'SELECT * FROM "{arn}"'}),
        ("PartiQLInsert", ddb.execute_transaction, {"TransactStatements": [
            {"Statement": f"INSERT INTO \"{arn}\" VALUE {{'k': 'e'}}"}]}),
    ]
    for action, call, kwargs in calls:
        expect_error(call, "AccessDeniedException", denied(f"dynamodb:{action}", arn), 400,
                     **kwargs)
    owner = make(secured, "dynamodb", OWNER)
    items = owner.scan(TableName=table["TableName"])["Items"]
    assert items == [{"k": {"S": "a"}, "v": {"S": "secret"}}]  # nothing written
    assert owner.list_tags_of_resource(ResourceArn=arn)["Tags"] == []
    # The caller's own account is untouched by the rule: its own table by ARN still works.
    own = owned_table(secured, OTHER)
    assert ddb.get_item(TableName=own["TableArn"], Key=key)["Item"]["v"] == {"S": "secret"}


def test_another_accounts_stream_is_refused(secured: Server) -> None:
    stream = owned_table(secured)["LatestStreamArn"]
    streams = make(secured, "dynamodbstreams", OTHER)
    expect_error(streams.describe_stream, "AccessDeniedException",
                 denied("dynamodb:DescribeStream", stream), 400, StreamArn=stream)
    expect_error(streams.get_shard_iterator, "AccessDeniedException",
                 denied("dynamodb:GetShardIterator", stream), 400, StreamArn=stream,
                 ShardId="shardId-00000000000000000000-00000000",
                 ShardIteratorType="TRIM_HORIZON")


# -- Lambda ----------------------------------------------------------------------------------

def test_another_accounts_function_cannot_be_invoked_read_or_changed(secured: Server) -> None:
    arn = function(secured, OWNER, OWNER_ACCOUNT)
    lam = make(secured, "lambda", OTHER)
    expect_error(lam.invoke, "AccessDeniedException", denied("lambda:InvokeFunction", arn), 403,
                 FunctionName=arn, Payload=b"{}")
    expect_error(lam.invoke, "AccessDeniedException",
                 denied("lambda:InvokeFunction", f"{arn}:$LATEST"), 403,
                 FunctionName=arn, Qualifier="$LATEST", InvocationType="Event")
    partial = arn.split(":", 4)[4]  # ACCOUNT:function:NAME
    expect_error(lam.get_function, "AccessDeniedException", denied("lambda:GetFunction", arn),
                 403, FunctionName=partial)
    expect_error(lam.delete_function, "AccessDeniedException",
                 denied("lambda:DeleteFunction", arn), 403, FunctionName=arn)
    expect_error(lam.tag_resource, "AccessDeniedException", denied("lambda:TagResource", arn),
                 403, Resource=arn, Tags={"a": "b"})
    mine = function(secured, OTHER, OTHER_ACCOUNT)
    expect_error(lam.create_event_source_mapping, "AccessDeniedException",
                 denied("lambda:CreateEventSourceMapping", arn), 403, FunctionName=arn,
                 EventSourceArn=owned_table(secured, OTHER)["LatestStreamArn"],
                 StartingPosition="LATEST")
    owner = make(secured, "lambda", OWNER)
    assert owner.get_function(FunctionName=arn)["Configuration"]["FunctionArn"] == arn
    assert lam.get_function(FunctionName=mine)["Configuration"]["FunctionArn"] == mine


def test_another_accounts_queue_topic_or_function_is_no_destination(secured: Server) -> None:
    queue = make(secured, "sqs", OWNER).create_queue(QueueName=unique("q"))["QueueUrl"]
    queue_arn = make(secured, "sqs", OWNER).get_queue_attributes(
        QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = make(secured, "sns", OWNER).create_topic(Name=unique("t"))["TopicArn"]
    target = function(secured, OWNER, OWNER_ACCOUNT)
    mine = function(secured, OTHER, OTHER_ACCOUNT)
    lam = make(secured, "lambda", OTHER)
    role = "The provided execution role does not have permissions to call "
    for destination, call in ((queue_arn, "SendMessage on SQS"), (topic, "Publish on SNS"),
                              (target, "InvokeFunction on Lambda")):
        expect_error(lam.put_function_event_invoke_config, "InvalidParameterValueException",
                     role + call, 400, FunctionName=mine,
                     DestinationConfig={"OnFailure": {"Destination": destination}})
    expect_error(lam.update_function_configuration, "InvalidParameterValueException",
                 role + "SendMessage on SQS", 400, FunctionName=mine,
                 DeadLetterConfig={"TargetArn": queue_arn})
    expect_error(lam.create_function, "InvalidParameterValueException",
                 role + "Publish on SNS", 400, FunctionName=unique("fn"), Runtime="python3.11",
                 Handler="app.handler", Role=f"arn:aws:iam::{OTHER_ACCOUNT}:role/r",
                 Code={"ZipFile": _zip()}, DeadLetterConfig={"TargetArn": topic})
    stream = owned_table(secured, OTHER)["LatestStreamArn"]
    expect_error(lam.create_event_source_mapping, "InvalidParameterValueException",
                 role + "SendMessage on SQS", 400, FunctionName=mine, EventSourceArn=stream,
                 StartingPosition="LATEST",
                 DestinationConfig={"OnFailure": {"Destination": queue_arn}})
    foreign = owned_table(secured)["LatestStreamArn"]
    expect_error(lam.create_event_source_mapping, "InvalidParameterValueException",
                 f"Cannot access stream {foreign}. Please ensure the role can perform the "
                 "GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on your "
                 "stream in IAM.", 400, FunctionName=mine, EventSourceArn=foreign,
                 StartingPosition="LATEST")
    assert lam.list_function_event_invoke_configs(
        FunctionName=mine)["FunctionEventInvokeConfigs"] == []


# -- SQS -------------------------------------------------------------------------------------

@pytest.mark.parametrize("protocol", ["json", "query"])
def test_another_accounts_queue_cannot_be_read_written_or_deleted(
        secured: Server, query_sqs_session: Any, protocol: str) -> None:
    session = query_sqs_session if protocol == "query" else None
    owner = make(secured, "sqs", OWNER, session)
    url = owner.create_queue(QueueName=unique("q"))["QueueUrl"]
    owner.send_message(QueueUrl=url, MessageBody="for the owner")
    sqs = make(secured, "sqs", OTHER, session)
    assert sqs.meta.service_model.protocol == protocol
    refused = f"Access to the resource {url} is denied."
    calls: list[tuple[Callable[..., Any], dict[str, Any]]] = [
        (sqs.send_message, {"MessageBody": "x"}),
        (sqs.receive_message, {}),
        (sqs.delete_message, {"ReceiptHandle": "handle"}),
        (sqs.get_queue_attributes, {"AttributeNames": ["All"]}),
        (sqs.set_queue_attributes, {"Attributes": {"DelaySeconds": "5"}}),
        (sqs.purge_queue, {}),
        (sqs.delete_queue, {}),
    ]
    for call, kwargs in calls:
        expect_error(call, "AccessDenied", refused, 403, QueueUrl=url, **kwargs)
    name = url.rsplit("/", 1)[1]
    expect_error(sqs.get_queue_url, "AccessDenied", None, 403, QueueName=name,
                 QueueOwnerAWSAccountId=OWNER_ACCOUNT)
    received = owner.receive_message(QueueUrl=url)["Messages"]
    assert [m["Body"] for m in received] == ["for the owner"]


# -- SNS -------------------------------------------------------------------------------------

def test_another_accounts_topic_cannot_be_published_to_or_subscribed(secured: Server) -> None:
    topic = make(secured, "sns", OWNER).create_topic(Name=unique("t"))["TopicArn"]
    sns = make(secured, "sns", OTHER)
    own_queue = make(secured, "sqs", OTHER).create_queue(QueueName=unique("q"))["QueueUrl"]
    own_queue_arn = f"arn:aws:sqs:{REGION}:{OTHER_ACCOUNT}:{own_queue.rsplit('/', 1)[1]}"
    expect_error(sns.publish, "AuthorizationError", denied("SNS:Publish", topic), 403,
                 TopicArn=topic, Message="m")
    expect_error(sns.publish, "AuthorizationError", denied("SNS:Publish", topic), 403,
                 TargetArn=topic, Message="m")
    expect_error(sns.publish_batch, "AuthorizationError", denied("SNS:PublishBatch", topic),
                 403, TopicArn=topic,
                 PublishBatchRequestEntries=[{"Id": "1", "Message": "m"}])
    expect_error(sns.subscribe, "AuthorizationError", denied("SNS:Subscribe", topic), 403,
                 TopicArn=topic, Protocol="sqs", Endpoint=own_queue_arn)
    expect_error(sns.get_topic_attributes, "AuthorizationError",
                 denied("SNS:GetTopicAttributes", topic), 403, TopicArn=topic)
    expect_error(sns.delete_topic, "AuthorizationError", denied("SNS:DeleteTopic", topic), 403,
                 TopicArn=topic)
    assert make(secured, "sns", OWNER).get_topic_attributes(TopicArn=topic)["Attributes"]


def test_another_accounts_queue_or_function_cannot_be_subscribed(secured: Server) -> None:
    owner_queue = make(secured, "sqs", OWNER).create_queue(QueueName=unique("q"))["QueueUrl"]
    queue_arn = f"arn:aws:sqs:{REGION}:{OWNER_ACCOUNT}:{owner_queue.rsplit('/', 1)[1]}"
    owner_function = function(secured, OWNER, OWNER_ACCOUNT)
    sns = make(secured, "sns", OTHER)
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    expect_error(sns.subscribe, "AuthorizationError", denied("sqs:SendMessage", queue_arn), 403,
                 TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    expect_error(sns.subscribe, "AuthorizationError",
                 denied("lambda:InvokeFunction", owner_function), 403,
                 TopicArn=topic, Protocol="lambda", Endpoint=owner_function)
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []


# -- without --credentials -----------------------------------------------------------------

def test_a_resource_policy_opens_a_table_or_function_to_another_account(
        secured: Server) -> None:
    """Issue 13 §5: what the resource's own policy allows gets through (and nothing more)."""
    table = owned_table(secured)
    arn, key = table["TableArn"], {"k": {"S": "a"}}
    make(secured, "dynamodb", OWNER).put_resource_policy(ResourceArn=arn, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": OTHER_ACCOUNT},
            "Action": "dynamodb:GetItem", "Resource": arn}]}))
    other = make(secured, "dynamodb", OTHER)
    assert other.get_item(TableName=arn, Key=key)["Item"]["v"] == {"S": "secret"}
    expect_error(other.delete_item, "AccessDeniedException",
                 denied("dynamodb:DeleteItem", arn), 400, TableName=arn, Key=key)
    fn = function(secured, OWNER, OWNER_ACCOUNT)
    make(secured, "lambda", OWNER).add_permission(
        FunctionName=fn, StatementId="other", Action="lambda:InvokeFunction",
        Principal=OTHER_ACCOUNT)
    answer = make(secured, "lambda", OTHER).invoke(FunctionName=fn, Payload=b'{"a": 1}')
    assert json.loads(answer["Payload"].read()) == {"a": 1}


def test_without_credentials_other_accounts_stay_reachable(server: Server) -> None:
    """The documented behaviour of a server without --credentials: callers are not verified,
    so accounts are labels, and a resource is reachable by ARN or URL from any account."""
    table = owned_table(server)
    ddb = make(server, "dynamodb", OTHER)
    assert ddb.get_item(TableName=table["TableArn"],
                        Key={"k": {"S": "a"}})["Item"]["v"] == {"S": "secret"}
    assert table["TableArn"].split(":")[4] == "000000000000"  # AKIDOWNER maps to no account
    owner_sqs = make(server, "sqs", {"aws_access_key_id": OWNER_ACCOUNT,
                                     "aws_secret_access_key": "x"})
    url = owner_sqs.create_queue(QueueName=unique("q"))["QueueUrl"]
    assert f"/{OWNER_ACCOUNT}/" in url
    make(server, "sqs", OTHER).send_message(QueueUrl=url, MessageBody="hi")
    assert owner_sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "hi"
