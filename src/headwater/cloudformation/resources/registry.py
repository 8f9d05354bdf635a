"""The resource types Headwater deploys, by CloudFormation type name. A type CloudFormation
knows but this table lacks fails its stack with a message naming it (engine)."""

from __future__ import annotations

from headwater.cloudformation.resources.base import ResourceType
from headwater.cloudformation.resources.cloudwatch_alarm import CloudWatchAlarm
from headwater.cloudformation.resources.dynamodb_global_table import DynamoDbGlobalTable
from headwater.cloudformation.resources.dynamodb_table import DynamoDbTable
from headwater.cloudformation.resources.iam_managed_policy import IamManagedPolicy
from headwater.cloudformation.resources.iam_policy import IamPolicy
from headwater.cloudformation.resources.iam_role import IamRole
from headwater.cloudformation.resources.lambda_alias import LambdaAlias
from headwater.cloudformation.resources.lambda_event_invoke_config import (
    LambdaEventInvokeConfig,
)
from headwater.cloudformation.resources.lambda_event_source_mapping import (
    LambdaEventSourceMapping,
)
from headwater.cloudformation.resources.lambda_function import LambdaFunction
from headwater.cloudformation.resources.lambda_permission import LambdaPermission
from headwater.cloudformation.resources.lambda_version import LambdaVersion
from headwater.cloudformation.resources.logs_log_group import LogsLogGroup
from headwater.cloudformation.resources.s3_bucket import S3Bucket
from headwater.cloudformation.resources.s3_bucket_policy import S3BucketPolicy
from headwater.cloudformation.resources.sns_subscription import SnsSubscription
from headwater.cloudformation.resources.sns_topic import SnsTopic
from headwater.cloudformation.resources.sqs_queue import SqsQueue
from headwater.cloudformation.resources.sqs_queue_policy import SqsQueuePolicy

TYPES: dict[str, ResourceType] = {
    "AWS::CloudWatch::Alarm": CloudWatchAlarm(),
    "AWS::DynamoDB::GlobalTable": DynamoDbGlobalTable(),
    "AWS::DynamoDB::Table": DynamoDbTable(),
    "AWS::IAM::ManagedPolicy": IamManagedPolicy(),
    "AWS::IAM::Policy": IamPolicy(),
    "AWS::IAM::Role": IamRole(),
    "AWS::Lambda::Alias": LambdaAlias(),
    "AWS::Lambda::EventInvokeConfig": LambdaEventInvokeConfig(),
    "AWS::Lambda::EventSourceMapping": LambdaEventSourceMapping(),
    "AWS::Lambda::Function": LambdaFunction(),
    "AWS::Lambda::Permission": LambdaPermission(),
    "AWS::Lambda::Version": LambdaVersion(),
    "AWS::Logs::LogGroup": LogsLogGroup(),
    "AWS::S3::Bucket": S3Bucket(),
    "AWS::S3::BucketPolicy": S3BucketPolicy(),
    "AWS::SNS::Subscription": SnsSubscription(),
    "AWS::SNS::Topic": SnsTopic(),
    "AWS::SQS::Queue": SqsQueue(),
    "AWS::SQS::QueuePolicy": SqsQueuePolicy(),
}

# Names a resource may be given in the template; a replacement of a named resource fails, as
# CloudFormation refuses it ("... a custom-named resource requires replacing").
NAME_PROPERTIES = {
    "AWS::DynamoDB::Table": "TableName", "AWS::DynamoDB::GlobalTable": "TableName",
    "AWS::Lambda::Function": "FunctionName", "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName", "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName", "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::CloudWatch::Alarm": "AlarmName", "AWS::S3::Bucket": "BucketName",
}
