"""CreateFunction / UpdateFunctionConfiguration members beyond the basics (functions/settings.py):
the ones with no local effect are stored and echoed, the ones asking for a feature Headwater
lacks are refused by name, a custom LoggingConfig.LogGroup receives the logs, and
DeadLetterConfig receives failed Event invocations (dlq.html)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from functions_support import ROLE, RUNTIME, Factory, handler_zip, new_name, wait_until

ACCOUNT_ARN = "arn:aws:{}:us-east-1:000000000000:{}"
KMS = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
FAILS = "def handler(event, context):\n    raise ValueError('boom ' + str(event['id']))\n"


def receive(sqs: Any, url: str, count: int = 1, timeout: float = 15.0) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def check() -> bool:
        for message in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0,
                                           MaxNumberOfMessages=10,
                                           MessageAttributeNames=["All"]).get("Messages", []):
            found.append(message)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return len(found) >= count

    assert wait_until(check, timeout)
    assert len(found) == count, found
    return found


def settings_of(config: dict[str, Any]) -> dict[str, Any]:
    keys = ("VpcConfig", "KMSKeyArn", "DeadLetterConfig", "LoggingConfig", "SnapStart")
    return {key: config.get(key) for key in keys}


def test_settings_without_local_effect_are_stored_and_echoed(
        lambda_: Any, make_function: Factory, make_queue: Callable[[], tuple[str, str]]) -> None:
    _, dlq = make_queue()
    name = new_name()
    created = lambda_.create_function(
        FunctionName=name, Runtime=RUNTIME, Role=ROLE, Handler="app.handler",
        Code={"ZipFile": handler_zip("def handler(e, c):\n    return e\n")},
        VpcConfig={"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
        KMSKeyArn=KMS, DeadLetterConfig={"TargetArn": dlq},
        LoggingConfig={"LogFormat": "Text"}, SnapStart={"ApplyOn": "None"},
        Layers=[], FileSystemConfigs=[])
    make_function.created.append(name)
    expected = {
        "VpcConfig": {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"], "VpcId": "",
                      "Ipv6AllowedForDualStack": False},
        "KMSKeyArn": KMS,
        "DeadLetterConfig": {"TargetArn": dlq},
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
    }
    assert settings_of(created) == expected
    assert settings_of(lambda_.get_function_configuration(FunctionName=name)) == expected

    updated = lambda_.update_function_configuration(
        FunctionName=name, VpcConfig={"SubnetIds": ["subnet-2", "subnet-3"],
                                      "SecurityGroupIds": [], "Ipv6AllowedForDualStack": True},
        LoggingConfig={"LogGroup": "/custom/group"})
    expected.update(
        VpcConfig={"SubnetIds": ["subnet-2", "subnet-3"], "SecurityGroupIds": [], "VpcId": "",
                   "Ipv6AllowedForDualStack": True},
        LoggingConfig={"LogFormat": "Text", "LogGroup": "/custom/group"})
    assert settings_of(updated) == expected
    assert settings_of(lambda_.get_function(FunctionName=name)["Configuration"]) == expected

    cleared = lambda_.update_function_configuration(
        FunctionName=name, KMSKeyArn="", DeadLetterConfig={"TargetArn": ""})
    expected.update(KMSKeyArn=None, DeadLetterConfig=None)
    assert settings_of(cleared) == expected
    assert settings_of(lambda_.get_function_configuration(FunctionName=name)) == expected


def test_published_version_keeps_its_settings(lambda_: Any, make_function: Factory) -> None:
    name = make_function(KMSKeyArn=KMS)
    version = lambda_.publish_version(FunctionName=name)["Version"]
    lambda_.update_function_configuration(FunctionName=name, KMSKeyArn="")
    config = lambda_.get_function_configuration(FunctionName=name, Qualifier=version)
    assert config["KMSKeyArn"] == KMS
    assert "KMSKeyArn" not in lambda_.get_function_configuration(FunctionName=name)


def test_custom_log_group_receives_the_logs(lambda_: Any, logs: Any,
                                            make_function: Factory) -> None:
    group = f"/custom/{new_name()}"
    name = make_function("def handler(e, c):\n    print('hello')\n    return c.log_group_name\n",
                         LoggingConfig={"LogGroup": group})
    response = lambda_.invoke(FunctionName=name)
    assert response["Payload"].read() == f'"{group}"'.encode()

    def logged() -> bool:
        try:
            events = logs.filter_log_events(logGroupName=group, filterPattern="hello")["events"]
        except logs.exceptions.ResourceNotFoundException:
            return False
        return bool(events)

    assert wait_until(logged)


REFUSED = [
    ({"Layers": ["arn:aws:lambda:us-east-1:000000000000:layer:deps:1"]},
     "Headwater does not support Layers (package dependencies in the function's .zip file)."),
    ({"FileSystemConfigs": [{"Arn": "arn:aws:elasticfilesystem:us-east-1:000000000000:"
                                    "access-point/fsap-0123456789abcdef0",
                             "LocalMountPath": "/mnt/efs"}]},
     "Headwater does not support FileSystemConfigs (Amazon EFS file systems)."),
    ({"ImageConfig": {"Command": ["app.handler"]}},
     "Headwater does not support ImageConfig (it configures container images; Headwater "
     "supports Zip packages only)."),
    ({"SnapStart": {"ApplyOn": "PublishedVersions"}},
     "Headwater does not support SnapStart; SnapStart.ApplyOn must be None."),
    ({"LoggingConfig": {"LogFormat": "JSON"}},
     "Headwater writes function logs as Text only; LoggingConfig.LogFormat JSON is not "
     "supported."),
    ({"LoggingConfig": {"ApplicationLogLevel": "DEBUG"}},
     "Headwater does not support LoggingConfig.ApplicationLogLevel (log levels need LogFormat "
     "JSON; Headwater writes function logs as Text only)."),
    ({"LoggingConfig": {"SystemLogLevel": "WARN"}},
     "Headwater does not support LoggingConfig.SystemLogLevel (log levels need LogFormat "
     "JSON; Headwater writes function logs as Text only)."),
    ({"CapacityProviderConfig": {"LambdaManagedInstancesCapacityProviderConfig": {
        "CapacityProviderArn": "arn:aws:lambda:us-east-1:000000000000:capacity-provider:cp"}}},
     "Headwater does not support CapacityProviderConfig (Lambda Managed Instances)."),
    ({"DurableConfig": {"ExecutionTimeout": 60}},
     "Headwater does not support DurableConfig (durable functions)."),
    ({"RuntimeConfig": {"RuntimeArn": "arn:aws:lambda:us-east-1:000000000000:runtime/custom-runtime",
                        "RuntimeAlias": "live"}},
     "Headwater does not support RuntimeConfig (customer-managed runtimes)."),
    ({"AcceleratorConfig": {"AcceleratorMemorySize": 16}},
     "Headwater does not support AcceleratorConfig (accelerators)."),
    ({"DeadLetterConfig": {"TargetArn": ACCOUNT_ARN.format("s3", "bucket")}},
     "Headwater supports SQS queues and SNS topics only as DeadLetterConfig.TargetArn: "
     "arn:aws:s3:us-east-1:000000000000:bucket"),
]
CREATE_ONLY = [
    ({"CodeSigningConfigArn": "arn:aws:lambda:us-east-1:000000000000:code-signing-config:"
                              "csc-0123456789abcdef0"},
     "Headwater does not support CodeSigningConfigArn (code signing)."),
    ({"PublishTo": "LATEST_PUBLISHED"},
     "Headwater does not support PublishTo (Lambda Managed Instances)."),
    ({"TenancyConfig": {"TenantIsolationMode": "PER_TENANT"}},
     "Headwater does not support TenancyConfig (tenant isolation)."),
    ({"Code": {"ZipFile": handler_zip("def handler(e, c):\n    return e\n"),
               "SourceKMSKeyArn": KMS}},
     "Headwater does not support Code.SourceKMSKeyArn (encrypting the .zip file)."),
]


@pytest.mark.parametrize(("member", "message"), REFUSED + CREATE_ONLY,
                         ids=lambda value: next(iter(value)) if isinstance(value, dict) else "")
def test_create_refuses_members_asking_for_missing_features(
        lambda_: Any, expect_error: Callable[..., Any], member: dict[str, Any],
        message: str) -> None:
    name = new_name()
    request: dict[str, Any] = {
        "FunctionName": name, "Runtime": RUNTIME, "Role": ROLE, "Handler": "app.handler",
        "Code": {"ZipFile": handler_zip("def handler(e, c):\n    return e\n")}, **member}
    expect_error(lambda_.create_function, "InvalidParameterValueException", message, **request)
    expect_error(lambda_.get_function, "ResourceNotFoundException", status=404,
                 FunctionName=name)


@pytest.mark.parametrize(("member", "message"), REFUSED,
                         ids=lambda value: next(iter(value)) if isinstance(value, dict) else "")
def test_update_refuses_members_asking_for_missing_features(
        lambda_: Any, make_function: Factory, expect_error: Callable[..., Any],
        member: dict[str, Any], message: str) -> None:
    name = make_function()
    before = lambda_.get_function_configuration(FunctionName=name)["RevisionId"]
    expect_error(lambda_.update_function_configuration, "InvalidParameterValueException",
                 message, FunctionName=name, **member)
    assert lambda_.get_function_configuration(FunctionName=name)["RevisionId"] == before


def test_failed_event_goes_to_the_dead_letter_queue_and_on_failure(
        lambda_: Any, sqs: Any, make_function: Factory,
        make_queue: Callable[[], tuple[str, str]]) -> None:
    (dlq_url, dlq), (failure_url, failure) = make_queue(), make_queue()
    name = make_function(FAILS, DeadLetterConfig={"TargetArn": dlq})
    lambda_.put_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": failure}})
    response = lambda_.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": 7}')
    request_id = response["ResponseMetadata"]["RequestId"]

    [letter] = receive(sqs, dlq_url)
    assert letter["Body"] == '{"id": 7}'
    assert letter["MessageAttributes"] == {
        "RequestID": {"DataType": "String", "StringValue": request_id},
        "ErrorCode": {"DataType": "Number", "StringValue": "200"},
        "ErrorMessage": {"DataType": "String", "StringValue": "boom 7"},
    }
    [record] = receive(sqs, failure_url)
    assert request_id in record["Body"]


def test_zero_reserved_concurrency_sends_events_to_the_dead_letter_queue(
        lambda_: Any, sqs: Any, make_function: Factory,
        make_queue: Callable[[], tuple[str, str]]) -> None:
    dlq_url, dlq = make_queue()
    name = make_function(DeadLetterConfig={"TargetArn": dlq})
    lambda_.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    response = lambda_.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": 1}')
    [letter] = receive(sqs, dlq_url)
    assert letter["Body"] == '{"id": 1}'
    attributes = letter["MessageAttributes"]
    assert attributes["RequestID"]["StringValue"] == response["ResponseMetadata"]["RequestId"]
    assert attributes["ErrorCode"]["StringValue"] == "429"
    assert attributes["ErrorMessage"]["StringValue"] == "Rate Exceeded."


@pytest.mark.parametrize(("member", "message"), [
    ({"PublishTo": "LATEST_PUBLISHED"},
     "Headwater does not support PublishTo (Lambda Managed Instances)."),
    ({"SourceKMSKeyArn": KMS},
     "Headwater does not support SourceKMSKeyArn (encrypting the .zip file)."),
], ids=["PublishTo", "SourceKMSKeyArn"])
def test_update_code_refuses_members_asking_for_missing_features(
        lambda_: Any, make_function: Factory, expect_error: Callable[..., Any],
        member: dict[str, Any], message: str) -> None:
    name = make_function()
    expect_error(lambda_.update_function_code, "InvalidParameterValueException", message,
                 FunctionName=name, ZipFile=handler_zip("def handler(e, c):\n    return 1\n"),
                 **member)


def test_dead_letter_topic_receives_the_event(
        lambda_: Any, sqs: Any, sns: Any, unique: Callable[[str], str], make_function: Factory,
        make_queue: Callable[[], tuple[str, str]]) -> None:
    url, queue = make_queue()
    topic = sns.create_topic(Name=unique("dlq"))["TopicArn"]
    try:
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue,
                      Attributes={"RawMessageDelivery": "true"})
        name = make_function(FAILS, DeadLetterConfig={"TargetArn": topic})
        lambda_.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
        lambda_.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": 3}')
        [letter] = receive(sqs, url)
        assert letter["Body"] == '{"id": 3}'
        assert letter["MessageAttributes"]["ErrorMessage"]["StringValue"] == "boom 3"
    finally:
        sns.delete_topic(TopicArn=topic)
