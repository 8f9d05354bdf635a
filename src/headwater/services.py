"""The services Headwater serves on its one port, by protocol, and `LocalCalls`, the same
services called in-process (how CloudFormation stacks create their resources)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from headwater.authorization import LogsAccessDenied, guarded
from headwater.cloudformation.errors import AccessDenied as CloudFormationAccessDenied
from headwater.cloudformation.service import OPERATIONS as CLOUDFORMATION
from headwater.cloudwatch.dynamodb_metrics import count_user_error, recording
from headwater.cloudwatch.errors import AccessDenied as CloudWatchAccessDenied
from headwater.cloudwatch.errors import query_errors as cloudwatch_query_errors
from headwater.cloudwatch.service import OPERATIONS as CLOUDWATCH
from headwater.cloudwatch.service import TARGET_PREFIX as CLOUDWATCH_TARGET
from headwater.cloudwatch.stream_metrics import counting_get_records
from headwater.core.authority import Authority
from headwater.core.context import RequestContext, Served
from headwater.core.ids import new_uuid
from headwater.core.principal import Principal
from headwater.core.tenancy import Authorize
from headwater.dynamodb import access as dynamodb_access
from headwater.dynamodb.errors import AccessDeniedException as DynamoDbAccessDenied
from headwater.dynamodb.service import OPERATIONS as DYNAMODB
from headwater.dynamodb.service import PRECHECKS as DYNAMODB_PRECHECKS
from headwater.functions import access as functions_access
from headwater.functions.errors import AccessDeniedException as LambdaAccessDenied
from headwater.functions.service import OPERATIONS as FUNCTIONS
from headwater.functions.service import PRECHECKS as FUNCTION_PRECHECKS
from headwater.iam.errors import AccessDenied as IamAccessDenied
from headwater.iam.service import OPERATIONS as IAM
from headwater.logs.service import OPERATIONS as LOGS
from headwater.queues import access as queues_access
from headwater.queues.errors import AccessDenied as SqsAccessDenied
from headwater.queues.errors import query_errors as sqs_query_errors
from headwater.queues.query_model import sqs_query_model
from headwater.queues.service import OPERATIONS as SQS
from headwater.s3.errors import AccessDenied as S3AccessDenied
from headwater.s3.service import OPERATIONS as S3
from headwater.streams.service import OPERATIONS as STREAMS_OPERATIONS
from headwater.sts.errors import AccessDenied as StsAccessDenied
from headwater.sts.service import OPERATIONS as STS
from headwater.topics import access as topics_access
from headwater.topics.errors import AuthorizationError
from headwater.topics.service import OPERATIONS as TOPICS
from headwater.triggers.service import OPERATIONS as MAPPINGS
from headwater.wire.errors import ValidationException
from headwater.wire.json_protocol import JsonService
from headwater.wire.query_protocol import QueryService
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


def query_services(authority: Authority) -> dict[str, QueryService]:
    """Query-protocol services keyed by their SigV4 signing name."""
    return {
        "sns": QueryService("sns", TOPICS, authorize=guarded(
            "sns", authority, AuthorizationError, topics_access.authorize)),
        "sqs": QueryService("sqs", SQS, sqs_query_model(), guarded(
            "sqs", authority, SqsAccessDenied, queues_access.authorize)),
        "iam": QueryService("iam", IAM, authorize=guarded("iam", authority, IamAccessDenied)),
        "sts": QueryService("sts", STS, authorize=guarded("sts", authority, StsAccessDenied)),
        "cloudformation": QueryService("cloudformation", CLOUDFORMATION, authorize=guarded(
            "cloudformation", authority, CloudFormationAccessDenied)),
    }


@dataclass(frozen=True)
class _Entry:
    """One service's operations as an in-process call runs them."""

    operations: Mapping[str, Callable[[RequestContext[Any], dict[str, Any]], Any]]
    validate: Callable[[str, dict[str, Any]], None]
    authorize: Authorize | None


def _json_entry(service: JsonService) -> _Entry:
    def validate(operation: str, request: dict[str, Any]) -> None:
        try:
            service.validators[operation](request)
        except ValidationException:
            precheck = service.prechecks.get(operation)
            if precheck is not None:
                precheck(request)
            raise
    return _Entry(service.operations, validate, service.authorize)


def _rest_entry(service: RestJsonService) -> _Entry:
    routes = {route.name: route for route in service.routes}

    def validate(operation: str, request: dict[str, Any]) -> None:
        precheck = service.prechecks.get(operation)
        if precheck is not None:
            precheck(request)
        routes[operation].validate(request)
    return _Entry({name: route.operation for name, route in routes.items()}, validate,
                  service.authorize)


def _query_entry(service: QueryService) -> _Entry:
    return _Entry(service.operations,
                  lambda operation, request: service.validators[operation](request),
                  service.authorize)


class LocalCalls:
    """The services' operations called in-process as a given caller (cloudformation/calls.py):
    each request is validated from the service's model, authorised (--enforce-iam: the
    caller's own permissions) and run as a request of that caller would be. Built on first
    use, so a server that deploys no stack compiles no second set of validators."""

    def __init__(self, runtime: Served, authority: Authority) -> None:
        self._runtime = runtime
        self._authority = authority
        self._entries: dict[str, _Entry] | None = None

    def _built(self) -> dict[str, _Entry]:
        if self._entries is None:
            json = json_services(self._authority)
            query = query_services(self._authority)
            self._entries = {
                "dynamodb": _json_entry(json["DynamoDB_20120810"]),
                "sqs": _json_entry(json["AmazonSQS"]),
                "logs": _json_entry(json["Logs_20140328"]),
                "cloudwatch": _json_entry(json[CLOUDWATCH_TARGET]),
                "lambda": _rest_entry(lambda_service(self._authority)),
                "sns": _query_entry(query["sns"]),
                "iam": _query_entry(query["iam"]),
                "sts": _query_entry(query["sts"]),
                # S3's operations take the request as its routes parse it; CloudFormation sends
                # only the members it needs (AWS::S3::Bucket, AWS::S3::BucketPolicy).
                "s3": _Entry(S3, lambda operation, request: None,
                             guarded("s3", self._authority, S3AccessDenied)),
            }
        return self._entries

    def warm(self) -> None:
        """Build the services now (a few hundred milliseconds of validators), off the event
        loop, so the first stack does not wait for them."""
        self._built()

    def has(self, service: str, operation: str) -> bool:
        entry = self._built().get(service)
        return entry is not None and operation in entry.operations

    async def call(self, caller: Principal, service: str, operation: str,
                   request: dict[str, Any]) -> dict[str, Any]:
        entry = self._built()[service]
        ctx = RequestContext(caller.account, caller.region, new_uuid(), self._runtime, "",
                             caller.access_key, caller)
        entry.validate(operation, request)
        if entry.authorize is not None:
            entry.authorize(ctx, operation, request)
        result = entry.operations[operation](ctx, request)
        if inspect.isawaitable(result):
            result = await result
        return dict(result or {})
