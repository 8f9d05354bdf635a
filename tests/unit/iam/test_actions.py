"""iam/actions.py and iam/dynamodb_actions.py: the action, resource ARN and condition keys
each served operation asks IAM for, one operation per line."""

from __future__ import annotations

from typing import Any

import pytest

from headwater.iam.actions import authorizations, function_arn

A, R = "111111111111", "eu-west-1"
T = f"arn:aws:dynamodb:{R}:{A}:table/Orders"
STREAM = f"{T}/stream/2024-01-01T00:00:00.000"
FN = f"arn:aws:lambda:{R}:{A}:function:f"
Q = f"arn:aws:sqs:{R}:{A}:jobs"
TOPIC = f"arn:aws:sns:{R}:{A}:alerts"
KEY = {"pk": {"S": "alice"}}

CASES: list[tuple[str, str, dict[str, Any], list[tuple[str, str, dict[str, list[str]]]]]] = [
    # DynamoDB: the table, or the index of a Query/Scan.
    ("dynamodb", "PutItem", {"TableName": "Orders", "Item": {"pk": {"S": "alice"},
                                                            "n": {"N": "1"}}},
     [("dynamodb:PutItem", T, {"dynamodb:attributes": ["pk", "n"],
                               "dynamodb:leadingkeys": ["alice"]})]),
    ("dynamodb", "GetItem", {"TableName": T, "Key": KEY, "ProjectionExpression": "#a, b.c",
                             "ExpressionAttributeNames": {"#a": "pk"}},
     [("dynamodb:GetItem", T, {"dynamodb:leadingkeys": ["alice"],
                               "dynamodb:attributes": ["pk", "b"],
                               "dynamodb:select": ["SPECIFIC_ATTRIBUTES"]})]),
    ("dynamodb", "DeleteItem", {"TableName": "Orders", "Key": KEY, "ReturnValues": "ALL_OLD"},
     [("dynamodb:DeleteItem", T, {"dynamodb:leadingkeys": ["alice"],
                                  "dynamodb:returnvalues": ["ALL_OLD"]})]),
    ("dynamodb", "UpdateItem", {"TableName": "Orders", "Key": KEY,
                                "UpdateExpression": "SET #n = if_not_exists(#n, :z) + :one "
                                                    "REMOVE old",
                                "ExpressionAttributeNames": {"#n": "count"}},
     [("dynamodb:UpdateItem", T, {"dynamodb:leadingkeys": ["alice"],
                                  "dynamodb:attributes": ["pk", "count", "old"]})]),
    ("dynamodb", "Query", {"TableName": "Orders", "IndexName": "ByDate",
                           "KeyConditionExpression": "pk = :p AND d > :d",
                           "ExpressionAttributeValues": {":p": {"S": "alice"},
                                                         ":d": {"S": "2020"}}},
     [("dynamodb:Query", f"{T}/index/ByDate", {"dynamodb:leadingkeys": ["alice"]})]),
    ("dynamodb", "Query", {"TableName": "Orders", "Select": "COUNT",
                           "KeyConditions": {"pk": {"ComparisonOperator": "EQ",
                                                    "AttributeValueList": [{"N": "7"}]}}},
     [("dynamodb:Query", T, {"dynamodb:select": ["COUNT"], "dynamodb:leadingkeys": ["7"]})]),
    ("dynamodb", "Scan", {"TableName": "Orders", "IndexName": "ByDate"},
     [("dynamodb:Scan", f"{T}/index/ByDate", {})]),
    ("dynamodb", "DescribeTable", {"TableName": "Orders"}, [("dynamodb:DescribeTable", T, {})]),
    ("dynamodb", "TagResource", {"ResourceArn": T, "Tags": []},
     [("dynamodb:TagResource", T, {})]),
    ("dynamodb", "ListTables", {}, [("dynamodb:ListTables", "*", {})]),
    ("dynamodb", "DescribeGlobalTable", {"GlobalTableName": "G"},
     [("dynamodb:DescribeGlobalTable", f"arn:aws:dynamodb::{A}:global-table/G", {})]),
    ("dynamodb", "PutResourcePolicy", {"ResourceArn": STREAM, "Policy": "{}"},
     [("dynamodb:PutResourcePolicy", STREAM, {})]),
    ("dynamodb", "UpdateTable", {"TableName": "Orders",
                                 "ReplicaUpdates": [{"Create": {"RegionName": "us-east-2"}}]},
     [("dynamodb:UpdateTable", T, {}), ("dynamodb:CreateTableReplica", T, {})]),
    ("dynamodb", "BatchWriteItem", {"RequestItems": {
        "Orders": [{"PutRequest": {"Item": {"pk": {"S": "a"}}}},
                   {"DeleteRequest": {"Key": {"pk": {"S": "b"}}}}],
        "Other": [{"DeleteRequest": {"Key": {"id": {"S": "c"}}}}]}},
     [("dynamodb:BatchWriteItem", T, {"dynamodb:attributes": ["pk"],
                                      "dynamodb:leadingkeys": ["a", "b"]}),
      ("dynamodb:BatchWriteItem", f"arn:aws:dynamodb:{R}:{A}:table/Other",
       {"dynamodb:leadingkeys": ["c"]})]),
    ("dynamodb", "BatchGetItem", {"RequestItems": {"Orders": {"Keys": [KEY]}}},
     [("dynamodb:BatchGetItem", T, {"dynamodb:leadingkeys": ["alice"]})]),
    ("dynamodb", "TransactWriteItems", {"TransactItems": [
        {"Put": {"TableName": "Orders", "Item": {"pk": {"S": "a"}}}},
        {"Update": {"TableName": "Orders", "Key": KEY, "UpdateExpression": "SET x = :x"}},
        {"Delete": {"TableName": "Other", "Key": {"id": {"S": "c"}}}},
        {"ConditionCheck": {"TableName": T, "Key": KEY, "ConditionExpression": "x = :x"}}]},
     [("dynamodb:PutItem", T, {"dynamodb:attributes": ["pk"], "dynamodb:leadingkeys": ["a"],
                               "dynamodb:enclosingoperation": ["TransactWriteItems"]}),
      ("dynamodb:UpdateItem", T, {"dynamodb:attributes": ["pk", "x"],
                                  "dynamodb:leadingkeys": ["alice"],
                                  "dynamodb:enclosingoperation": ["TransactWriteItems"]}),
      ("dynamodb:DeleteItem", f"arn:aws:dynamodb:{R}:{A}:table/Other",
       {"dynamodb:leadingkeys": ["c"], "dynamodb:enclosingoperation": ["TransactWriteItems"]}),
      ("dynamodb:ConditionCheckItem", T, {"dynamodb:leadingkeys": ["alice"],
                                          "dynamodb:enclosingoperation":
                                              ["TransactWriteItems"]})]),
    ("dynamodb", "TransactGetItems", {"TransactItems": [
        {"Get": {"TableName": "Orders", "Key": KEY}}]},
     [("dynamodb:GetItem", T, {"dynamodb:leadingkeys": ["alice"],
                               "dynamodb:enclosingoperation": ["TransactGetItems"]})]),
    ("dynamodb", "ExecuteStatement", {"Statement": 'SELECT * FROM "Orders"."ByDate" WHERE x=1'},
     [("dynamodb:PartiQLSelect", f"{T}/index/ByDate", {})]),
    ("dynamodb", "ExecuteStatement", {"Statement": "insert into Orders value {'pk': 'a'}"},
     [("dynamodb:PartiQLInsert", T, {})]),
    ("dynamodb", "BatchExecuteStatement", {"Statements": [
        {"Statement": 'UPDATE "Orders" SET x = 1 WHERE pk = \'a\''},
        {"Statement": 'DELETE FROM "Orders" WHERE pk = \'a\''}]},
     [("dynamodb:PartiQLUpdate", T, {}), ("dynamodb:PartiQLDelete", T, {})]),
    ("dynamodb", "ExecuteTransaction", {"TransactStatements": [
        {"Statement": 'SELECT * FROM "Orders" WHERE pk = \'a\''}]},
     [("dynamodb:PartiQLSelect", T, {})]),
    # DynamoDB Streams: the stream; GetRecords names it through its iterator.
    ("dynamodbstreams", "DescribeStream", {"StreamArn": STREAM},
     [("dynamodb:DescribeStream", STREAM, {})]),
    ("dynamodbstreams", "GetShardIterator", {"StreamArn": STREAM, "ShardId": "s"},
     [("dynamodb:GetShardIterator", STREAM, {})]),
    ("dynamodbstreams", "GetRecords", {"ShardIterator": f"{STREAM}|1|AAAA"},
     [("dynamodb:GetRecords", STREAM, {})]),
    ("dynamodbstreams", "ListStreams", {"TableName": "Orders"},
     [("dynamodb:ListStreams", "*", {})]),
    # Lambda.
    ("lambda", "Invoke", {"FunctionName": "f"}, [("lambda:InvokeFunction", FN, {})]),
    ("lambda", "Invoke", {"FunctionName": "f", "Qualifier": "live"},
     [("lambda:InvokeFunction", f"{FN}:live", {})]),
    ("lambda", "Invoke", {"FunctionName": f"{A}:function:f:3"},
     [("lambda:InvokeFunction", f"{FN}:3", {})]),
    ("lambda", "CreateFunction", {"FunctionName": "f", "Role": f"arn:aws:iam::{A}:role/r"},
     [("lambda:CreateFunction", FN, {}),
      ("iam:PassRole", f"arn:aws:iam::{A}:role/r",
       {"iam:passedtoservice": ["lambda.amazonaws.com"]})]),
    ("lambda", "UpdateFunctionCode", {"FunctionName": FN},
     [("lambda:UpdateFunctionCode", FN, {})]),
    ("lambda", "ListFunctions", {}, [("lambda:ListFunctions", "*", {})]),
    ("lambda", "TagResource", {"Resource": FN, "Tags": {}}, [("lambda:TagResource", FN, {})]),
    ("lambda", "CreateEventSourceMapping", {"FunctionName": "f", "EventSourceArn": STREAM},
     [("lambda:CreateEventSourceMapping", "*", {"lambda:functionarn": [FN]})]),
    ("lambda", "DeleteEventSourceMapping", {"UUID": "u-1"},
     [("lambda:DeleteEventSourceMapping",
       f"arn:aws:lambda:{R}:{A}:event-source-mapping:u-1", {})]),
    # SQS: the queue ARN from the URL; batches ask for their message action.
    ("sqs", "SendMessage", {"QueueUrl": f"http://localhost:4566/{A}/jobs"},
     [("sqs:SendMessage", Q, {})]),
    ("sqs", "SendMessageBatch", {"QueueUrl": f"http://localhost:4566/{A}/jobs"},
     [("sqs:SendMessage", Q, {})]),
    ("sqs", "DeleteMessageBatch", {"QueueUrl": f"http://localhost:4566/{A}/jobs"},
     [("sqs:DeleteMessage", Q, {})]),
    ("sqs", "CreateQueue", {"QueueName": "jobs"}, [("sqs:CreateQueue", Q, {})]),
    ("sqs", "GetQueueUrl", {"QueueName": "jobs", "QueueOwnerAWSAccountId": "222222222222"},
     [("sqs:GetQueueUrl", f"arn:aws:sqs:{R}:222222222222:jobs", {})]),
    ("sqs", "ListQueues", {}, [("sqs:ListQueues", "*", {})]),
    ("sqs", "StartMessageMoveTask", {"SourceArn": Q}, [("sqs:StartMessageMoveTask", Q, {})]),
    # SNS.
    ("sns", "Publish", {"TopicArn": TOPIC, "Message": "m"}, [("sns:Publish", TOPIC, {})]),
    ("sns", "PublishBatch", {"TopicArn": TOPIC}, [("sns:Publish", TOPIC, {})]),
    ("sns", "CreateTopic", {"Name": "alerts"}, [("sns:CreateTopic", TOPIC, {})]),
    ("sns", "Unsubscribe", {"SubscriptionArn": f"{TOPIC}:0b9c"},
     [("sns:Unsubscribe", TOPIC, {})]),
    ("sns", "ListTopics", {}, [("sns:ListTopics", "*", {})]),
    # CloudWatch and Logs.
    ("cloudwatch", "GetMetricData", {}, [("cloudwatch:GetMetricData", "*", {})]),
    ("cloudwatch", "SetAlarmState", {"AlarmName": "a"},
     [("cloudwatch:SetAlarmState", f"arn:aws:cloudwatch:{R}:{A}:alarm:a", {})]),
    ("cloudwatch", "DeleteAlarms", {"AlarmNames": ["a", "b"]},
     [("cloudwatch:DeleteAlarms", f"arn:aws:cloudwatch:{R}:{A}:alarm:a", {}),
      ("cloudwatch:DeleteAlarms", f"arn:aws:cloudwatch:{R}:{A}:alarm:b", {})]),
    ("cloudwatch", "TagResource", {"ResourceARN": f"arn:aws:cloudwatch:{R}:{A}:alarm:a"},
     [("cloudwatch:TagResource", f"arn:aws:cloudwatch:{R}:{A}:alarm:a", {})]),
    ("logs", "DescribeLogGroups", {}, [("logs:DescribeLogGroups", "*", {})]),
    ("logs", "FilterLogEvents", {"logGroupName": "/aws/lambda/f"},
     [("logs:FilterLogEvents", f"arn:aws:logs:{R}:{A}:log-group:/aws/lambda/f:*", {})]),
    ("logs", "GetLogEvents", {"logGroupName": "/aws/lambda/f", "logStreamName": "s"},
     [("logs:GetLogEvents", f"arn:aws:logs:{R}:{A}:log-group:/aws/lambda/f:log-stream:s",
       {})]),
    # IAM and STS.
    ("iam", "CreateRole", {"RoleName": "r", "Path": "/service/"},
     [("iam:CreateRole", f"arn:aws:iam::{A}:role/service/r", {})]),
    ("iam", "PutRolePolicy", {"RoleName": "r", "PolicyName": "p"},
     [("iam:PutRolePolicy", f"arn:aws:iam::{A}:role/r", {})]),
    ("iam", "AttachRolePolicy", {"RoleName": "r", "PolicyArn": "arn:aws:iam::aws:policy/X"},
     [("iam:AttachRolePolicy", f"arn:aws:iam::{A}:role/r",
       {"iam:policyarn": ["arn:aws:iam::aws:policy/X"]})]),
    ("iam", "CreatePolicy", {"PolicyName": "p"},
     [("iam:CreatePolicy", f"arn:aws:iam::{A}:policy/p", {})]),
    ("iam", "GetPolicyVersion", {"PolicyArn": f"arn:aws:iam::{A}:policy/p", "VersionId": "v1"},
     [("iam:GetPolicyVersion", f"arn:aws:iam::{A}:policy/p", {})]),
    ("iam", "CreateUser", {"UserName": "u"}, [("iam:CreateUser", f"arn:aws:iam::{A}:user/u",
                                               {})]),
    ("iam", "ListRoles", {}, [("iam:ListRoles", "*", {})]),
    ("sts", "AssumeRole", {"RoleArn": f"arn:aws:iam::{A}:role/r", "RoleSessionName": "s"},
     [("sts:AssumeRole", f"arn:aws:iam::{A}:role/r", {"sts:rolesessionname": ["s"]})]),
    ("sts", "GetCallerIdentity", {}, []),  # needs no permission
    # S3.
    ("s3", "ListBuckets", {}, [("s3:ListAllMyBuckets", "*", {})]),
    ("s3", "CreateBucket", {"Bucket": "b"}, [("s3:CreateBucket", "arn:aws:s3:::b", {})]),
    ("s3", "HeadBucket", {"Bucket": "b"}, [("s3:ListBucket", "arn:aws:s3:::b", {})]),
    ("s3", "ListObjectsV2", {"Bucket": "b", "Prefix": "p/"},
     [("s3:ListBucket", "arn:aws:s3:::b", {"s3:prefix": ["p/"]})]),
    ("s3", "HeadObject", {"Bucket": "b", "Key": "k/1"},
     [("s3:GetObject", "arn:aws:s3:::b/k/1", {})]),
    ("s3", "UploadPart", {"Bucket": "b", "Key": "k"}, [("s3:PutObject", "arn:aws:s3:::b/k", {})]),
    ("s3", "ListParts", {"Bucket": "b", "Key": "k"},
     [("s3:ListMultipartUploadParts", "arn:aws:s3:::b/k", {})]),
    ("s3", "DeleteObjects", {"Bucket": "b", "Delete": {"Objects": [{"Key": "x"}, {"Key": "y"}]}},
     [("s3:DeleteObject", "arn:aws:s3:::b/x", {}), ("s3:DeleteObject", "arn:aws:s3:::b/y", {})]),
    ("s3", "CopyObject", {"Bucket": "b", "Key": "k", "CopySource": "src/a%20b"},
     [("s3:PutObject", "arn:aws:s3:::b/k", {}), ("s3:GetObject", "arn:aws:s3:::src/a b", {})]),
    ("lambda", "CreateFunction", {"FunctionName": "f", "Code": {"S3Bucket": "b", "S3Key": "f.zip"}},
     [("lambda:CreateFunction", FN, {}), ("s3:GetObject", "arn:aws:s3:::b/f.zip", {})]),
]


@pytest.mark.parametrize(("service", "operation", "request_", "expected"), CASES,
                         ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_authorizations(service: str, operation: str, request_: dict[str, Any],
                        expected: list[tuple[str, str, dict[str, list[str]]]]) -> None:
    found = authorizations(service, operation, A, R, request_, key_names={"Orders": "pk"})
    assert found == expected


def test_leading_keys_without_key_names() -> None:
    """A one-attribute Key is the partition key; an Item's key is not known."""
    assert authorizations("dynamodb", "GetItem", A, R, {"TableName": "T", "Key": KEY}) == [
        ("dynamodb:GetItem", f"arn:aws:dynamodb:{R}:{A}:table/T",
         {"dynamodb:leadingkeys": ["alice"]})]
    composite = {"TableName": "T", "Key": {**KEY, "sk": {"N": "1"}}}
    assert authorizations("dynamodb", "GetItem", A, R, composite)[0][2] == {}
    put = authorizations("dynamodb", "PutItem", A, R, {"TableName": "T", "Item": KEY})
    assert "dynamodb:leadingkeys" not in put[0][2]


def test_iam_operations_on_the_caller() -> None:
    me = f"arn:aws:iam::{A}:user/me"
    assert authorizations("iam", "CreateAccessKey", A, R, {}, caller_arn=me) == [
        ("iam:CreateAccessKey", me, {})]


@pytest.mark.parametrize(("name", "qualifier", "arn"), [
    ("f", None, FN),
    ("f:live", None, f"{FN}:live"),
    ("f", "7", f"{FN}:7"),
    (f"{A}:function:f", None, FN),
    ("arn:aws:lambda:us-east-2:222222222222:function:g:1", None,
     "arn:aws:lambda:us-east-2:222222222222:function:g:1"),
])
def test_function_arn(name: str, qualifier: str | None, arn: str) -> None:
    assert function_arn(A, R, name, qualifier) == arn


def test_unknown_service() -> None:
    with pytest.raises(ValueError):
        authorizations("kinesis", "PutRecord", A, R, {})


class CountedKeys(dict[str, str]):
    """key_names that count their look-ups."""

    looked_up = 0

    def get(self, key: str, default: Any = None) -> Any:
        self.looked_up += 1
        return super().get(key, default)


def test_an_items_condition_keys_are_worked_out_only_when_read() -> None:
    """A cached decision (iam/enforcement.py) needs no condition keys: the table's partition
    key is looked up once they are read, and then once only."""
    keys = CountedKeys(Orders="pk")
    item = {"pk": {"S": "alice"}, "n": {"N": "1"}}
    (action, resource, context), = authorizations(
        "dynamodb", "PutItem", A, R, {"TableName": "Orders", "Item": item}, key_names=keys)
    assert (action, resource, keys.looked_up) == ("dynamodb:PutItem", T, 0)
    assert dict(context) == {"dynamodb:attributes": ["pk", "n"],
                             "dynamodb:leadingkeys": ["alice"]}
    assert context["dynamodb:leadingkeys"] == ["alice"] and len(context) == 2
    assert keys.looked_up == 1
