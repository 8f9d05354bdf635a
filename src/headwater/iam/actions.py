"""What each served operation asks IAM for: (action, resource ARN, extra condition keys), as
AWS's Service Authorization Reference lists them ("Actions, resources, and condition keys for
AWS services": Amazon DynamoDB, AWS Lambda, Amazon SQS, Amazon SNS, Amazon CloudWatch,
Amazon CloudWatch Logs, AWS IAM, AWS STS).

- DynamoDB and DynamoDB Streams: iam/dynamodb_actions.py.
- Lambda: `lambda:` + the operation on the function ARN (qualified when the request names a
  version or alias, as Lambda authorises Invoke of `function:F:alias`); Invoke is
  `lambda:InvokeFunction`; CreateFunction and a role change also need `iam:PassRole` on the
  role with `iam:PassedToService` lambda.amazonaws.com; CreateEventSourceMapping is on "*"
  and the mapping operations on `event-source-mapping:UUID`, with `lambda:FunctionArn`.
- SQS: `sqs:` + the operation on the queue ARN (from QueueUrl: `arn:aws:sqs:R:ACCOUNT:NAME`);
  the batch operations ask for their single-message action; ListQueues is on "*".
- SNS: `sns:` + the operation on the topic ARN (a subscription's topic for subscription
  operations); PublishBatch asks for sns:Publish.
- CloudWatch: metric reads on "*". CloudWatch Logs: group operations on
  `log-group:NAME:*`, stream operations on `log-group:NAME:log-stream:STREAM`.
- IAM: `iam:` + the operation on the role, user or policy ARN (a role's path is known only at
  CreateRole: other calls name `role/NAME`); AttachRolePolicy/AttachUserPolicy carry
  `iam:PolicyARN`; the List* of a whole account are on "*".
- S3: the Service Authorization Reference's action per operation on the bucket
  (`arn:aws:s3:::BUCKET`) or object (`arn:aws:s3:::BUCKET/KEY`) ARN: HeadBucket and the
  object listings are s3:ListBucket, HeadObject s3:GetObject, the multipart steps
  s3:PutObject (ListParts s3:ListMultipartUploadParts), CopyObject s3:PutObject on the target
  and s3:GetObject on the source, DeleteObjects s3:DeleteObject per key, ListBuckets
  s3:ListAllMyBuckets on "*". Lambda code from S3 also needs s3:GetObject on the object.
- STS: AssumeRole on the role ARN; GetCallerIdentity needs no permission (STS API
  reference: it succeeds even under an explicit deny), so it asks for nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from headwater.iam import dynamodb_actions
from headwater.iam.dynamodb_actions import Authorization

SERVICES = ("dynamodb", "dynamodbstreams", "lambda", "sqs", "sns", "cloudwatch", "logs",
            "iam", "sts", "s3")

LAMBDA_ACTIONS = {"Invoke": "InvokeFunction", "InvokeWithResponseStream": "InvokeFunction"}
LAMBDA_GLOBAL = frozenset({"ListFunctions", "ListEventSourceMappings", "GetAccountSettings",
                           "ListLayers", "ListCodeSigningConfigs"})
ESM_OPERATIONS = frozenset({"GetEventSourceMapping", "UpdateEventSourceMapping",
                            "DeleteEventSourceMapping"})
SQS_BATCH = {"SendMessageBatch": "SendMessage", "DeleteMessageBatch": "DeleteMessage",
             "ChangeMessageVisibilityBatch": "ChangeMessageVisibility"}
SQS_GLOBAL = frozenset({"ListQueues"})
SNS_GLOBAL = frozenset({"ListTopics", "ListSubscriptions", "CreatePlatformApplication",
                        "ListPlatformApplications", "ListPhoneNumbersOptedOut"})
SNS_ACTIONS = {"PublishBatch": "Publish"}
LOG_GROUP_OPERATIONS = frozenset({"CreateLogGroup", "DeleteLogGroup", "DescribeLogStreams",
                                  "FilterLogEvents", "PutRetentionPolicy",
                                  "DeleteRetentionPolicy", "TagLogGroup", "ListTagsLogGroup"})
LOG_STREAM_OPERATIONS = frozenset({"CreateLogStream", "DeleteLogStream", "PutLogEvents",
                                   "GetLogEvents"})
IAM_GLOBAL = frozenset({"ListRoles", "ListUsers", "ListPolicies", "GetAccountSummary",
                        "ListAccountAliases", "GetAccountAuthorizationDetails"})


def authorizations(service: str, operation: str, account: str, region: str,
                   request: Mapping[str, Any], *, key_names: Mapping[str, str] | None = None,
                   caller_arn: str | None = None) -> list[Authorization]:
    """Every (action, resource ARN, extra condition keys) IAM checks for this request; empty
    when the operation needs no permission. Condition key names are lower-cased.
    `key_names`: table name -> partition key attribute (for dynamodb:LeadingKeys);
    `caller_arn`: the caller (IAM operations on "the calling user" when UserName is absent)."""
    if service in ("dynamodb", "dynamodbstreams"):
        return dynamodb_actions.authorizations(operation, account, region, request, key_names)
    handler = _HANDLERS.get(service)
    if handler is None:
        raise ValueError(f"unknown service {service!r}")
    return handler(operation, account, region, request, caller_arn)


def _text(request: Mapping[str, Any], member: str) -> str | None:
    value = request.get(member)
    return value if isinstance(value, str) and value else None


# Lambda ---------------------------------------------------------------------------------

def function_arn(account: str, region: str, name: str, qualifier: str | None = None) -> str:
    """The function ARN a FunctionName (name, name:qualifier, ACCOUNT:function:name, or ARN)
    and Qualifier name."""
    parts = name.split(":")
    if name.startswith("arn:") and len(parts) >= 7:
        region, account, function = parts[3], parts[4], parts[6]
        qualifier = parts[7] if len(parts) > 7 else qualifier
    elif len(parts) >= 3 and parts[1] == "function":
        account, function = parts[0], parts[2]
        qualifier = parts[3] if len(parts) > 3 else qualifier
    else:
        function = parts[0]
        qualifier = parts[1] if len(parts) > 1 else qualifier
    arn = f"arn:aws:lambda:{region}:{account}:function:{function}"
    return f"{arn}:{qualifier}" if qualifier else arn


def _lambda(operation: str, account: str, region: str, request: Mapping[str, Any],
            caller_arn: str | None) -> list[Authorization]:
    action = f"lambda:{LAMBDA_ACTIONS.get(operation, operation)}"
    if operation in LAMBDA_GLOBAL:
        return [(action, "*", {})]
    if operation == "CreateEventSourceMapping" or operation in ESM_OPERATIONS:
        context = {}
        name = _text(request, "FunctionName")
        if name:
            context["lambda:functionarn"] = [function_arn(account, region, name)]
        uuid = _text(request, "UUID")
        resource = (f"arn:aws:lambda:{region}:{account}:event-source-mapping:{uuid}"
                    if uuid and operation != "CreateEventSourceMapping" else "*")
        return [(action, resource, context)]
    name = _text(request, "FunctionName")
    tagged = _text(request, "Resource")
    if name is None and tagged is not None:
        return [(action, tagged, {})]
    if name is None:
        return [(action, "*", {})]
    qualifier = _text(request, "Qualifier")
    found: list[Authorization] = [(action, function_arn(account, region, name, qualifier), {})]
    code = request.get("Code") if operation == "CreateFunction" else request
    if isinstance(code, Mapping) and _text(code, "S3Bucket") and _text(code, "S3Key"):
        found.append(("s3:GetObject", f"arn:aws:s3:::{code['S3Bucket']}/{code['S3Key']}", {}))
    role = _text(request, "Role")
    if role and operation in ("CreateFunction", "UpdateFunctionConfiguration"):
        found.append(("iam:PassRole", role,
                      {"iam:passedtoservice": ["lambda.amazonaws.com"]}))
    return found


# SQS ------------------------------------------------------------------------------------

def queue_arn(account: str, region: str, url: str) -> str | None:
    """The queue ARN of a queue URL (`http://HOST/ACCOUNT/NAME`), or None when it is none."""
    parts = [part for part in urlsplit(url).path.split("/") if part]
    if len(parts) != 2 or not parts[0].isdigit():
        return None
    return f"arn:aws:sqs:{region}:{parts[0]}:{parts[1]}"


def _task_source(handle: str | None) -> str | None:
    """The source queue ARN inside a message move task handle (base64 JSON), if readable."""
    if handle is None:
        return None
    try:
        decoded = json.loads(base64.b64decode(handle + "=" * (-len(handle) % 4)))
    except (binascii.Error, ValueError):
        return None
    source = decoded.get("sourceArn") if isinstance(decoded, dict) else None
    return source if isinstance(source, str) else None


def _sqs(operation: str, account: str, region: str, request: Mapping[str, Any],
         caller_arn: str | None) -> list[Authorization]:
    action = f"sqs:{SQS_BATCH.get(operation, operation)}"
    if operation in SQS_GLOBAL:
        return [(action, "*", {})]
    url = _text(request, "QueueUrl")
    resource: str | None = None
    if url is not None:
        resource = queue_arn(account, region, url)
    elif operation in ("CreateQueue", "GetQueueUrl") and _text(request, "QueueName"):
        owner = _text(request, "QueueOwnerAWSAccountId") or account
        resource = f"arn:aws:sqs:{region}:{owner}:{request['QueueName']}"
    elif operation in ("StartMessageMoveTask", "ListMessageMoveTasks"):
        resource = _text(request, "SourceArn")
    elif operation == "CancelMessageMoveTask":
        resource = _task_source(_text(request, "TaskHandle"))
    return [(action, resource or "*", {})]


# SNS ------------------------------------------------------------------------------------

def _sns(operation: str, account: str, region: str, request: Mapping[str, Any],
         caller_arn: str | None) -> list[Authorization]:
    action = f"sns:{SNS_ACTIONS.get(operation, operation)}"
    if operation in SNS_GLOBAL:
        return [(action, "*", {})]
    if operation == "CreateTopic" and _text(request, "Name"):
        return [(action, f"arn:aws:sns:{region}:{account}:{request['Name']}", {})]
    for member in ("TopicArn", "TargetArn", "ResourceArn"):
        arn = _text(request, member)
        if arn is not None:
            return [(action, arn, {})]
    subscription = _text(request, "SubscriptionArn")
    if subscription is not None and subscription.count(":") >= 6:
        return [(action, subscription.rsplit(":", 1)[0], {})]  # the subscription's topic
    return [(action, "*", {})]


# CloudWatch and CloudWatch Logs -------------------------------------------------------------

# operations on the one alarm AlarmName names (the IAM service authorization reference's
# "alarm" resource type)
ONE_ALARM = ("PutMetricAlarm", "PutCompositeAlarm", "SetAlarmState", "DescribeAlarmHistory")


def _cloudwatch(operation: str, account: str, region: str, request: Mapping[str, Any],
                caller_arn: str | None) -> list[Authorization]:
    names = request.get("AlarmNames")
    if operation in ONE_ALARM and _text(request, "AlarmName"):
        names = [request["AlarmName"]]
    arn = _text(request, "ResourceARN")
    if arn is not None:
        return [(f"cloudwatch:{operation}", arn, {})]
    if isinstance(names, list) and names and operation != "DescribeAlarms":
        return [(f"cloudwatch:{operation}",
                 f"arn:aws:cloudwatch:{region}:{account}:alarm:{name}", {})
                for name in names if isinstance(name, str)]
    return [(f"cloudwatch:{operation}", "*", {})]


def _logs(operation: str, account: str, region: str, request: Mapping[str, Any],
          caller_arn: str | None) -> list[Authorization]:
    action = f"logs:{operation}"
    group = _text(request, "logGroupName")
    group_arn = _text(request, "logGroupIdentifier")
    if group is not None:
        group_arn = f"arn:aws:logs:{region}:{account}:log-group:{group}"
    if group_arn is None:
        return [(action, "*", {})]
    stream = _text(request, "logStreamName")
    if operation in LOG_STREAM_OPERATIONS and stream is not None:
        return [(action, f"{group_arn}:log-stream:{stream}", {})]
    return [(action, f"{group_arn}:*", {})]


# IAM and STS --------------------------------------------------------------------------------

def _iam(operation: str, account: str, region: str, request: Mapping[str, Any],
         caller_arn: str | None) -> list[Authorization]:
    action = f"iam:{operation}"
    if operation in IAM_GLOBAL:
        return [(action, "*", {})]
    path = _text(request, "Path") or "/"
    context: dict[str, list[str]] = {}
    policy_arn = _text(request, "PolicyArn")
    if policy_arn is not None and operation.startswith(("Attach", "Detach")):
        context["iam:policyarn"] = [policy_arn]
    if _text(request, "RoleName"):
        role_path = path if operation == "CreateRole" else "/"
        return [(action, f"arn:aws:iam::{account}:role{role_path}{request['RoleName']}",
                 context)]
    if _text(request, "UserName"):
        user_path = path if operation == "CreateUser" else "/"
        return [(action, f"arn:aws:iam::{account}:user{user_path}{request['UserName']}",
                 context)]
    if operation == "CreatePolicy" and _text(request, "PolicyName"):
        return [(action, f"arn:aws:iam::{account}:policy{path}{request['PolicyName']}", {})]
    if policy_arn is not None:
        return [(action, policy_arn, {})]
    if operation in ("CreateAccessKey", "DeleteAccessKey", "ListAccessKeys", "GetUser"):
        if caller_arn is not None:
            return [(action, caller_arn, {})]
    return [(action, "*", {})]


def _sts(operation: str, account: str, region: str, request: Mapping[str, Any],
         caller_arn: str | None) -> list[Authorization]:
    if operation == "GetCallerIdentity":
        return []
    context = {}
    if _text(request, "RoleSessionName"):
        context["sts:rolesessionname"] = [request["RoleSessionName"]]
    if _text(request, "ExternalId"):
        context["sts:externalid"] = [request["ExternalId"]]
    return [(f"sts:{operation}", _text(request, "RoleArn") or "*", context)]


# S3 -------------------------------------------------------------------------------------

S3_ACTIONS = {"HeadBucket": "ListBucket", "ListObjects": "ListBucket",
              "ListObjectsV2": "ListBucket", "ListBuckets": "ListAllMyBuckets",
              "ListMultipartUploads": "ListBucketMultipartUploads", "HeadObject": "GetObject",
              "CreateMultipartUpload": "PutObject", "UploadPart": "PutObject",
              "CompleteMultipartUpload": "PutObject", "CopyObject": "PutObject",
              "ListParts": "ListMultipartUploadParts", "DeleteObjects": "DeleteObject"}


def _s3(operation: str, account: str, region: str, request: Mapping[str, Any],
        caller_arn: str | None) -> list[Authorization]:
    action = f"s3:{S3_ACTIONS.get(operation, operation)}"
    bucket = _text(request, "Bucket")
    if operation == "ListBuckets" or bucket is None:
        return [(action, "*", {})]
    arn = f"arn:aws:s3:::{bucket}"
    key = _text(request, "Key")
    if operation == "DeleteObjects":
        objects = (request.get("Delete") or {}).get("Objects") or []
        return [(action, f"{arn}/{entry.get('Key')}", {}) for entry in objects
                if isinstance(entry, Mapping)] or [(action, f"{arn}/*", {})]
    if key is None:
        context: dict[str, list[str]] = {}
        if action == "s3:ListBucket":
            for member, name in (("Prefix", "s3:prefix"), ("Delimiter", "s3:delimiter")):
                if _text(request, member):
                    context[name] = [request[member]]
        return [(action, arn, context)]
    found: list[Authorization] = [(action, f"{arn}/{key}", {})]
    source = _text(request, "CopySource")
    if operation == "CopyObject" and source is not None:
        found.append(("s3:GetObject", f"arn:aws:s3:::{unquote(source).split('?')[0].lstrip('/')}",
                      {}))
    return found


_Handler = Callable[[str, str, str, Mapping[str, Any], "str | None"], list[Authorization]]
_HANDLERS: dict[str, _Handler] = {
    "lambda": _lambda, "sqs": _sqs, "sns": _sns, "cloudwatch": _cloudwatch, "logs": _logs,
    "iam": _iam, "sts": _sts, "s3": _s3,
}
