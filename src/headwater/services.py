"""The services Headwater serves on its one port, by protocol."""

from __future__ import annotations

from headwater.authorization import LogsAccessDenied, guarded
from headwater.cloudwatch.dynamodb_metrics import count_user_error, recording
from headwater.cloudwatch.errors import AccessDenied as CloudWatchAccessDenied
from headwater.cloudwatch.errors import query_errors as cloudwatch_query_errors
from headwater.cloudwatch.service import OPERATIONS as CLOUDWATCH
from headwater.cloudwatch.service import TARGET_PREFIX as CLOUDWATCH_TARGET
from headwater.cloudwatch.stream_metrics import counting_get_records
from headwater.core.authority import Authority
from headwater.dynamodb import access as dynamodb_access
from headwater.dynamodb.errors import AccessDeniedException as DynamoDbAccessDenied
from headwater.dynamodb.service import OPERATIONS as DYNAMODB
from headwater.dynamodb.service import PRECHECKS as DYNAMODB_PRECHECKS
from headwater.functions import access as functions_access
from headwater.functions.errors import AccessDeniedException as LambdaAccessDenied
from headwater.functions.service import OPERATIONS as FUNCTIONS
from headwater.functions.service import PRECHECKS as FUNCTION_PRECHECKS
from headwater.logs.service import OPERATIONS as LOGS
from headwater.queues import access as queues_access
from headwater.queues.errors import AccessDenied as SqsAccessDenied
from headwater.queues.errors import query_errors as sqs_query_errors
from headwater.queues.service import OPERATIONS as SQS
from headwater.streams.service import OPERATIONS as STREAMS_OPERATIONS
from headwater.triggers.service import OPERATIONS as MAPPINGS
from headwater.wire.json_protocol import JsonService
from headwater.wire.rest_json import RestJsonService

# GetRecords reports AWS/DynamoDB ReturnedRecordsCount and ReturnedBytes per stream.
STREAMS = {**STREAMS_OPERATIONS,
           "GetRecords": counting_get_records(STREAMS_OPERATIONS["GetRecords"])}
DYNAMODB_ERRORS = "com.amazonaws.dynamodb.v20120810"


def json_services(authority: Authority) -> dict[str, JsonService]:
    """JSON-protocol services keyed by their X-Amz-Target prefix, each authorising its
    requests through `authority` (authorization.py)."""
    return {
        "DynamoDB_20120810": JsonService(
            "dynamodb", "DynamoDB_20120810", DYNAMODB_ERRORS, recording(DYNAMODB), crc32=True,
            prechecks=DYNAMODB_PRECHECKS, refused=count_user_error,
            authorize=guarded("dynamodb", authority, DynamoDbAccessDenied,
                              dynamodb_access.authorize)),
        "DynamoDBStreams_20120810": JsonService(
            "dynamodbstreams", "DynamoDBStreams_20120810", DYNAMODB_ERRORS, STREAMS,
            refused=count_user_error,
            authorize=guarded("dynamodbstreams", authority, DynamoDbAccessDenied,
                              dynamodb_access.authorize)),
        # botocore resolves CloudWatch to JSON 1.0 (awsQueryCompatible); rpc-v2-cbor is served too.
        CLOUDWATCH_TARGET: JsonService(
            "cloudwatch", CLOUDWATCH_TARGET, "com.amazonaws.cloudwatch", CLOUDWATCH,
            query_errors=cloudwatch_query_errors(),
            authorize=guarded("cloudwatch", authority, CloudWatchAccessDenied)),
        "AmazonSQS": JsonService(
            "sqs", "AmazonSQS", "com.amazonaws.sqs", SQS, query_errors=sqs_query_errors(),
            authorize=guarded("sqs", authority, SqsAccessDenied, queues_access.authorize)),
        "Logs_20140328": JsonService(
            "logs", "Logs_20140328", "com.amazonaws.logs", LOGS,
            content_type="application/x-amz-json-1.1",
            authorize=guarded("logs", authority, LogsAccessDenied)),
    }


def lambda_service(authority: Authority) -> RestJsonService:
    """Lambda's rest-json service: the function operations, then the event source mapping ones
    (routes match in that order)."""
    return RestJsonService("lambda", {**FUNCTIONS, **MAPPINGS}, FUNCTION_PRECHECKS,
                           guarded("lambda", authority, LambdaAccessDenied,
                                   functions_access.authorize))
