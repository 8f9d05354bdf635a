"""Bad input never gets a 5xx (DESIGN principle 6, issue 11 item 5): for every operation
Headwater serves, in every protocol it serves it in, hypothesis builds requests from the
operation's botocore input shape, breaks them (JSON null, wrong types, empty containers, huge
strings, deep nesting; see fuzz_support.py) and sends them to a server of this module's own, whose
resources (a table with a stream, queues, a topic, a function with an alias and a mapping) the
plausible values name. Every answer must be a success or a 4xx in the protocol's AWS error shape,
within the request timeout; the server must still answer its health check after each operation.

The budget is fixed and derandomised: HEADWATER_FUZZ_EXAMPLES examples per operation (default
40) for `make test`. A longer run, with HEADWATER_FUZZ_SEED for other examples than the fixed
ones, is e.g.

    HEADWATER_FUZZ_EXAMPLES=2000 HEADWATER_FUZZ_SEED=1 .venv/bin/python -m pytest -q \\
        -p no:cacheprovider tests/api/test_fuzz_requests.py

(bench/fuzz.md records the long runs.)
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
import pytest
import urllib3
from botocore.model import OperationModel, ServiceModel
from fuzz_support import (
    Hints,
    RequestBuilder,
    broken,
    cbor,
    json_body,
    query_body,
    rest_request,
)
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from server_support import Server, serving

from headwater.cloudformation.service import OPERATIONS as CLOUDFORMATION
from headwater.cloudwatch.service import OPERATIONS as CLOUDWATCH
from headwater.cloudwatch.service import TARGET_PREFIX as CLOUDWATCH_TARGET
from headwater.core.authority import OPEN
from headwater.functions.service import OPERATIONS as FUNCTIONS
from headwater.iam.service import OPERATIONS as IAM
from headwater.queues.query_model import sqs_query_model
from headwater.queues.service import OPERATIONS as SQS
from headwater.s3.service import OPERATIONS as S3
from headwater.services import json_services
from headwater.sts.service import OPERATIONS as STS
from headwater.topics.service import OPERATIONS as TOPICS
from headwater.triggers.service import OPERATIONS as MAPPINGS
from headwater.wire.models import service_model
from headwater.wire.rest_xml import encode_document

EXAMPLES = int(os.environ.get("HEADWATER_FUZZ_EXAMPLES", "40"))
SEED = os.environ.get("HEADWATER_FUZZ_SEED")
TIMEOUT = urllib3.Timeout(connect=5, read=30)
ROLE = "arn:aws:iam::000000000000:role/fuzz-role"
AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDFUZZ/20260101/us-east-1/{service}/aws4_request, "
        "SignedHeaders=host, Signature=0")


@dataclass(frozen=True)
class Case:
    protocol: str  # json, rest, rest-xml, query or cbor
    service: str  # the botocore model name
    operation: str
    target: str = ""  # the X-Amz-Target prefix of a JSON service
    content_type: str = ""

    def __str__(self) -> str:
        return f"{self.protocol}-{self.service}-{self.operation}"


def _ordered(names: Any) -> list[str]:
    """Deletes last, so the resources the hints name live through the other operations."""
    return sorted(names, key=lambda name: (name.startswith(("Delete", "Untag", "Remove",
                                                            "Purge")), name))


def cases() -> list[Case]:
    found = [Case("json", service.model_name, name, prefix, service.content_type)
             for prefix, service in json_services(OPEN).items() for name in _ordered(service.operations)]
    found += [Case("rest", "lambda", name) for name in _ordered({**FUNCTIONS, **MAPPINGS})]
    found += [Case("query", "sns", name) for name in _ordered(TOPICS)]
    found += [Case("query", "sqs", name) for name in _ordered(SQS)]
    found += [Case("query", "iam", name) for name in _ordered(IAM)]
    found += [Case("query", "sts", name) for name in _ordered(STS)]
    found += [Case("query", "cloudformation", name) for name in _ordered(CLOUDFORMATION)]
    found += [Case("cbor", "cloudwatch", name) for name in _ordered(CLOUDWATCH)]
    found += [Case("rest-xml", "s3", name) for name in _ordered(S3)]
    return found


def _model(case: Case) -> ServiceModel:
    return sqs_query_model() if case.protocol == "query" and case.service == "sqs" else (
        service_model(case.service))


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@dataclass
class World:
    server: Server
    hints: Hints
    http: urllib3.PoolManager
    s3_hints: Hints | None = None


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    for server in serving("--in-memory"):
        hints = _seed(server)
        yield World(server, hints, urllib3.PoolManager(timeout=TIMEOUT, retries=False),
                    _seed_s3(server, hints))


def _seed_s3(server: Server, hints: Hints) -> Hints:
    """S3's resources (a bucket, objects, an upload with a part) and their hints; `Key` is an
    object key here, not DynamoDB's."""
    s3 = server.client("s3")
    s3.create_bucket(Bucket="fuzz-bucket")
    s3.put_object(Bucket="fuzz-bucket", Key="fuzz-key", Body=b"fuzz data")
    s3.put_object(Bucket="fuzz-bucket", Key="dir/nested", Body=b"nested")
    upload = s3.create_multipart_upload(Bucket="fuzz-bucket", Key="fuzz-key")["UploadId"]
    etag = s3.upload_part(Bucket="fuzz-bucket", Key="fuzz-key", UploadId=upload, PartNumber=1,
                          Body=b"part")["ETag"]
    by_name = {**hints.by_name, "Bucket": ["fuzz-bucket", "fuzz-other"],
               "Key": ["fuzz-key", "dir/nested", "missing"], "UploadId": [upload],
               "PartNumber": [1, 2], "CopySource": ["fuzz-bucket/fuzz-key"],
               "Body": [b"body", b""], "Prefix": ["", "dir/"], "Delimiter": ["/"],
               "Range": ["bytes=0-3", "bytes=-2", "bytes=100-"], "ContentMD5": ["bad"],
               "ContinuationToken": ["ZGly", "!!"], "MaxKeys": [1, 1000]}
    parts = {"Parts": [{"PartNumber": 1, "ETag": etag}]}
    examples = {
        "CompleteMultipartUpload": [{"Bucket": "fuzz-bucket", "Key": "fuzz-key",
                                     "UploadId": upload, "MultipartUpload": parts}],
        "DeleteObjects": [{"Bucket": "fuzz-bucket", "Delete": {
            "Objects": [{"Key": "gone"}, {"Key": "fuzz-other"}], "Quiet": False}}],
        "CreateBucket": [{"Bucket": "fuzz-made", "CreateBucketConfiguration": {
            "LocationConstraint": "eu-west-1"}}],
        "ListObjectsV2": [{"Bucket": "fuzz-bucket", "Prefix": "dir/", "Delimiter": "/",
                           "MaxKeys": 1, "EncodingType": "url", "FetchOwner": True}],
        "GetObject": [{"Bucket": "fuzz-bucket", "Key": "fuzz-key", "Range": "bytes=1-2",
                       "IfNoneMatch": "*", "ResponseContentType": "text/plain"}],
    }
    return Hints(by_name, examples)


def _seed(server: Server) -> Hints:
    """The resources requests name, and the hints that name them."""
    ddb, streams, lam = (server.client(name) for name in ("dynamodb", "dynamodbstreams", "lambda"))
    sqs, sns = server.client("sqs"), server.client("sns")
    table = "fuzz-table"
    ddb.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"},
                              {"AttributeName": "a", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "by-a", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}]}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    key = {"pk": {"S": "a"}, "sk": {"N": "1"}}
    item = {**key, "a": {"S": "x"}, "n": {"N": "5"}, "l": {"L": [{"S": "v"}]}}
    ddb.put_item(TableName=table, Item=item)
    stream_arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard["ShardId"],
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    queue = sqs.create_queue(QueueName="fuzz-queue")["QueueUrl"]
    fifo = sqs.create_queue(QueueName="fuzz-queue.fifo",
                            Attributes={"FifoQueue": "true"})["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="hello")
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    topic = sns.create_topic(Name="fuzz-topic")["TopicArn"]
    code = _zip({"app.py": b"def handler(event, context):\n    return event\n"})
    function = lam.create_function(FunctionName="fuzz-fn", Runtime="python3.11", Role=ROLE,
                                   Handler="app.handler", Code={"ZipFile": code})["FunctionArn"]
    version = lam.publish_version(FunctionName="fuzz-fn")["Version"]
    lam.create_alias(FunctionName="fuzz-fn", Name="live", FunctionVersion=version)
    lam.invoke(FunctionName="fuzz-fn", Payload=b"{}")
    mapping = lam.create_event_source_mapping(EventSourceArn=stream_arn, FunctionName="fuzz-fn",
                                              StartingPosition="LATEST")["UUID"]
    log_stream = server.client("logs").describe_log_streams(
        logGroupName="/aws/lambda/fuzz-fn")["logStreams"][0]["logStreamName"]
    cfn = server.client("cloudformation")
    cfn.create_stack(StackName="fuzz-stack", TemplateBody=STACK_TEMPLATE)
    cfn.get_waiter("stack_create_complete").wait(StackName="fuzz-stack",
                                                 WaiterConfig={"Delay": 0.05})
    cfn.create_change_set(StackName="fuzz-stack", ChangeSetName="fuzz-changes",
                          TemplateBody=STACK_TEMPLATE.replace("Delay", "Hidden"))
    values = {":p": {"S": "a"}, ":v": {"S": "x"}, ":n": {"N": "1"}}
    examples = _examples(table, key, item, values, stream_arn, shard["ShardId"], iterator,
                         queue, queue_arn, topic, code, log_stream)
    return Hints({
        # DynamoDB and Streams
        "TableName": [table], "IndexName": ["by-a"], "Key": [key], "ExclusiveStartKey": [key],
        "Item": [item], "Keys": [[key]],
        "KeyConditionExpression": ["pk = :p", "pk = :p AND sk > :n", "a = :v"],
        "ConditionExpression": ["attribute_exists(a)", "a = :v", "#a = :v", "size(l) > :n"],
        "FilterExpression": ["attribute_exists(a)", "a = :v", "n > :n"],
        "UpdateExpression": ["SET a = :v", "ADD n :n", "REMOVE a", "SET l[5] = :v",
                             "SET #a = if_not_exists(#a, :v)"],
        "ProjectionExpression": ["pk, a", "#a", "l[0]"],
        "ExpressionAttributeValues": [values, {":v": {"S": "x"}}],
        "ExpressionAttributeNames": [{"#a": "a"}],
        "Statement": [f'SELECT * FROM "{table}"', f"SELECT * FROM \"{table}\" WHERE pk = ?",
                      f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': 2}}",
                      f"UPDATE \"{table}\" SET a = 'y' WHERE pk = 'a' AND sk = 1",
                      f"DELETE FROM \"{table}\" WHERE pk = 'b' AND sk = 1"],
        "Parameters": [[{"S": "a"}]],
        "RequestItems": [{table: [{"PutRequest": {"Item": item}}]}, {table: {"Keys": [key]}}],
        "StreamArn": [stream_arn], "ShardId": [shard["ShardId"]], "ShardIterator": [iterator],
        "EventSourceArn": [stream_arn],
        # SQS and SNS
        "QueueUrl": [queue, fifo], "QueueName": ["fuzz-queue", "fuzz-other"],
        "MessageBody": ["hello"], "MessageGroupId": ["g"], "WaitTimeSeconds": [0],
        "AttributeNames": [["All"]], "TopicArn": [topic], "Name": ["fuzz-topic", "live"],
        "Protocol": ["sqs", "lambda", "email"], "Endpoint": [queue_arn, function],
        "Message": ["m"], "ResourceArn": [topic], "AttributeName": ["DisplayName", "Policy"],
        # Lambda
        "FunctionName": ["fuzz-fn", function, "fuzz-fn:live"], "Qualifier": ["live", "1"],
        "Role": [ROLE], "Runtime": ["python3.11"], "Handler": ["app.handler"],
        "ZipFile": [code, code.replace(b"app.py", b"apq.py", 1), b"PK\x05\x06" + b"\0" * 18],
        "Payload": [b"{}", b'{"a": 1}', b"not json"], "FunctionVersion": ["$LATEST", "1"],
        "UUID": [mapping], "Resource": [function],
        # CloudWatch and Logs
        "Namespace": ["AWS/Lambda", "AWS/DynamoDB"], "MetricName": ["Invocations"],
        "logGroupName": ["/aws/lambda/fuzz-fn"], "logGroupNamePrefix": ["/aws/lambda"],
        "logStreamName": [log_stream],
        # CloudFormation
        "StackName": ["fuzz-stack", "fuzz-other"], "TemplateBody": [STACK_TEMPLATE, "{}"],
        "ChangeSetName": ["fuzz-changes"], "ExportName": ["fuzz-export"],
        "LogicalResourceId": ["Queue"], "ParameterKey": ["Delay"],
    }, examples)


def _examples(table: str, key: dict[str, Any], item: dict[str, Any], values: dict[str, Any],
              stream_arn: str, shard: str, iterator: str, queue: str, queue_arn: str,
              topic: str, code: bytes, log_stream: str) -> dict[str, list[dict[str, Any]]]:
    """Valid requests of the operations whose shapes are too rich for the hints alone."""
    query = {"TableName": table, "KeyConditionExpression": "pk = :p AND sk > :n",
             "ExpressionAttributeValues": values, "FilterExpression": "a = :v",
             "ProjectionExpression": "#a, l[0]", "ExpressionAttributeNames": {"#a": "a"},
             "Limit": 5, "ScanIndexForward": False, "ExclusiveStartKey": key}
    update = {"TableName": table, "Key": key, "UpdateExpression": "SET a = :v ADD n :n",
              "ConditionExpression": "attribute_exists(pk)", "ExpressionAttributeValues": values,
              "ReturnValues": "ALL_NEW"}
    put = {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(a)",
           "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}
    check = {"TableName": table, "Key": key, "ConditionExpression": "n > :n",
             "ExpressionAttributeValues": {":n": {"N": "1"}}}
    select = {"Statement": f'SELECT * FROM "{table}" WHERE pk = ?', "Parameters": [{"S": "a"}]}
    attributes = {"k": {"DataType": "String", "StringValue": "v"},
                  "b": {"DataType": "Binary", "BinaryValue": b"\x01"}}
    metric = {"Namespace": "AWS/Lambda", "MetricName": "Invocations",
              "Dimensions": [{"Name": "FunctionName", "Value": "fuzz-fn"}]}
    return {
        "Query": [query, {**query, "IndexName": "by-a", "KeyConditionExpression": "a = :v",
                          "ExclusiveStartKey": {**key, "a": {"S": "x"}}}],
        "Scan": [{"TableName": table, "FilterExpression": "n > :n", "Segment": 0,
                  "TotalSegments": 2, "ExpressionAttributeValues": {":n": {"N": "1"}}}],
        "GetItem": [{"TableName": table, "Key": key, "ProjectionExpression": "a, l[0]"}],
        "PutItem": [put], "UpdateItem": [update],
        "DeleteItem": [{**check, "ReturnValues": "ALL_OLD"}],
        "TransactWriteItems": [{"TransactItems": [{"Put": {**put, "Item": {**item, "sk": {
            "N": "2"}}}}, {"Update": update}, {"ConditionCheck": check}],
            "ClientRequestToken": "token-1", "ReturnConsumedCapacity": "INDEXES"}],
        "TransactGetItems": [{"TransactItems": [{"Get": {"TableName": table, "Key": key}}]}],
        "BatchWriteItem": [{"RequestItems": {table: [{"PutRequest": {"Item": item}},
                                                     {"DeleteRequest": {"Key": {
                                                         **key, "sk": {"N": "3"}}}}]}}],
        "BatchGetItem": [{"RequestItems": {table: {"Keys": [key], "ConsistentRead": True,
                                                   "ProjectionExpression": "a"}}}],
        "ExecuteStatement": [select],
        "ExecuteTransaction": [{"TransactStatements": [select], "ClientRequestToken": "t"},
                               {"TransactStatements": [{
                                   "Statement": f"UPDATE \"{table}\" SET a = ? WHERE pk = 'a' "
                                                "AND sk = 1", "Parameters": [{"S": "z"}]}]}],
        "BatchExecuteStatement": [{"Statements": [select]}],
        "CreateTable": [{"TableName": "fuzz-made", "BillingMode": "PAY_PER_REQUEST",
                         "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
                         "AttributeDefinitions": [{"AttributeName": "k",
                                                   "AttributeType": "S"}]}],
        "UpdateTable": [{"TableName": table, "StreamSpecification": {
            "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}}],
        "UpdateTimeToLive": [{"TableName": table, "TimeToLiveSpecification": {
            "Enabled": True, "AttributeName": "ttl"}}],
        "GetShardIterator": [{"StreamArn": stream_arn, "ShardId": shard,
                              "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                              "SequenceNumber": "1"}],
        "GetRecords": [{"ShardIterator": iterator, "Limit": 5}],
        "CreateFunction": [{"FunctionName": "fuzz-made", "Runtime": "python3.11", "Role": ROLE,
                            "Handler": "app.handler", "Code": {"ZipFile": code},
                            "Environment": {"Variables": {"A": "1"}}, "Timeout": 3,
                            "Tags": {"t": "v"}}],
        "CreateEventSourceMapping": [{
            "EventSourceArn": stream_arn, "FunctionName": "fuzz-fn",
            "StartingPosition": "TRIM_HORIZON", "BatchSize": 10,
            "FilterCriteria": {"Filters": [{"Pattern": '{"eventName": ["INSERT"]}'}]},
            "DestinationConfig": {"OnFailure": {"Destination": queue_arn}},
            "FunctionResponseTypes": ["ReportBatchItemFailures"]}],
        "Invoke": [{"FunctionName": "fuzz-fn", "Payload": b'{"a": 1}', "LogType": "Tail"}],
        "SendMessage": [{"QueueUrl": queue, "MessageBody": "m", "MessageAttributes": attributes,
                         "DelaySeconds": 0}],
        "SendMessageBatch": [{"QueueUrl": queue, "Entries": [
            {"Id": "a", "MessageBody": "x", "MessageAttributes": attributes}]}],
        "SetQueueAttributes": [{"QueueUrl": queue, "Attributes": {
            "RedrivePolicy": orjson.dumps({"deadLetterTargetArn": queue_arn,
                                           "maxReceiveCount": 2}).decode(),
            "VisibilityTimeout": "5"}}],
        "CreateQueue": [{"QueueName": "fuzz-made", "Attributes": {"DelaySeconds": "0"},
                         "tags": {"t": "v"}}],
        "Publish": [{"TopicArn": topic, "Message": "m", "MessageAttributes": {
            "k": {"DataType": "String", "StringValue": "v"}}}],
        "PublishBatch": [{"TopicArn": topic, "PublishBatchRequestEntries": [
            {"Id": "a", "Message": "m"}]}],
        "Subscribe": [{"TopicArn": topic, "Protocol": "sqs", "Endpoint": queue_arn,
                       "Attributes": {"FilterPolicy": '{"a": ["b"]}',
                                      "RawMessageDelivery": "true"}}],
        "GetMetricData": [{"MetricDataQueries": [{"Id": "m1", "MetricStat": {
            "Metric": metric, "Period": 60, "Stat": "Sum"}}], "StartTime": 0,
            "EndTime": 2_000_000_000}],
        "GetMetricStatistics": [{**metric, "StartTime": 0, "EndTime": 2_000_000_000,
                                 "Period": 60, "Statistics": ["Sum", "Average"]}],
        "GetLogEvents": [{"logGroupName": "/aws/lambda/fuzz-fn", "logStreamName": log_stream,
                          "startFromHead": True, "limit": 5}],
        "FilterLogEvents": [{"logGroupName": "/aws/lambda/fuzz-fn", "filterPattern": "START",
                             "limit": 5}],
    }


STACK_TEMPLATE = """
Parameters:
  Delay: {Type: Number, Default: 0}
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: {DelaySeconds: !Ref Delay}
Outputs:
  Url:
    Value: !Ref Queue
    Export: {Name: fuzz-export}
"""


# A request that makes the server wait is not a bad one: long polls are kept to none.
WAITS = {"WaitTimeSeconds"}


def _tame(request: dict[str, Any]) -> dict[str, Any]:
    for name in WAITS & request.keys():
        value = request[name]
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 20:
            request[name] = 0
    return request


def _send(world: World, case: Case, operation: OperationModel, request: dict[str, Any]
          ) -> urllib3.BaseHTTPResponse:
    url = world.server.url
    if case.protocol == "json":
        return world.http.request("POST", url + "/", body=json_body(request), headers={
            "Content-Type": case.content_type, "X-Amz-Target": f"{case.target}.{case.operation}",
            "Authorization": AUTH.format(service=case.service)})
    if case.protocol == "query":
        version = operation.service_model.metadata["apiVersion"]
        body = query_body(case.operation, version, operation.input_shape, request)
        return world.http.request("POST", url + "/", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": AUTH.format(service=case.service)})
    if case.protocol == "cbor":
        return world.http.request(
            "POST", f"{url}/service/{CLOUDWATCH_TARGET}/operation/{case.operation}",
            body=cbor(request), headers={"Content-Type": "application/cbor",
                                         "Accept": "application/cbor",
                                         "smithy-protocol": "rpc-v2-cbor"})
    rest = rest_request(operation, request)
    body = rest.body
    if case.protocol == "rest-xml":
        body = _xml_payload(case, operation, request, body)
        rest.headers["Authorization"] = AUTH.format(service="s3")
        # The body's framing is the HTTP client's: a wrong length only makes the server wait
        # for bytes that never come (as any server would).
        rest.headers.pop("Content-Length", None)
    return world.http.request(rest.method, url + rest.path, body=body or None,
                              headers=rest.headers)


def _xml_payload(case: Case, operation: OperationModel, request: dict[str, Any], body: bytes
                 ) -> bytes:
    """A structure payload as the XML document S3 takes (what cannot be written so stays the
    JSON rest_request made, which S3 refuses as MalformedXML)."""
    shape = operation.input_shape
    payload = shape.serialization.get("payload") if shape is not None else None
    if shape is None or payload is None or shape.members[payload].type_name != "structure":
        return body
    member = shape.members[payload]
    try:
        return encode_document(member, request[payload],  # type: ignore[arg-type]
                               member.serialization.get("name", payload))
    except Exception:
        return body


def _check(case: Case, response: urllib3.BaseHTTPResponse) -> None:
    status, body = response.status, response.data
    shown = f"{case}: {status} {body[:300]!r}"
    assert status < 500, shown
    assert 200 <= status, shown
    if status < 400:
        return
    if case.protocol == "json":
        assert "__type" in orjson.loads(body), shown
    elif case.protocol == "rest-xml":
        # HEAD answers and 304 have no body; 431 is the HTTP server's (a head over 64 KB, as a
        # ListBuckets with thousands of query parameters makes it).
        if status not in (304, 431) and body:
            assert b"<Error><Code>" in body, shown
    elif case.protocol == "rest":
        assert response.headers.get("x-amzn-errortype"), shown
        assert {"message", "Message"} & orjson.loads(body).keys(), shown
    elif case.protocol == "query":
        assert b"<ErrorResponse" in body and b"<Code>" in body, shown
    else:
        assert b"__type" in body, shown


@pytest.mark.parametrize("case", cases(), ids=str)
def test_bad_requests_get_aws_errors_never_5xx(world: World, case: Case) -> None:
    model = _model(case)
    operation = model.operation_model(case.operation)
    binary = case.protocol in ("cbor", "rest", "rest-xml")
    hints = world.s3_hints if case.protocol == "rest-xml" and world.s3_hints else world.hints
    requests = broken(operation.input_shape, [
        RequestBuilder(hints, binary, focused=True), RequestBuilder(hints, binary)],
        hints.examples.get(case.operation))

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=SEED is None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data: st.DataObject) -> None:
        request = _tame(data.draw(requests, label="request"))
        _check(case, _send(world, case, operation, request))

    if SEED is not None:
        run = seed(int(SEED))(run)
    run()
    health = world.http.request("GET", world.server.url + "/_headwater/health")
    assert health.status == 200
