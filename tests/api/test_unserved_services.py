"""A call for a service Headwater does not provide is answered at once (no retries) with a 400
in the caller's protocol whose message names the service and lists what is served: not S3's
404, not "not valid for this web service", not a 500 after retries."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

SERVED = "dynamodb, dynamodbstreams, lambda, sqs, sns, cloudwatch, logs, iam, sts, s3"


def _client(endpoint: str, service: str) -> Any:
    # botocore's default retries: the answer must not be one it retries.
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="AKIDTEST", aws_secret_access_key="secret",
                        config=Config(retries={"max_attempts": 5, "mode": "standard"}))


@pytest.mark.parametrize(("service", "operation", "protocol"), [
    ("route53", "list_hosted_zones", "rest-xml"),
    ("kinesis", "list_streams", "json"),
    ("ec2", "describe_instances", "ec2"),
    ("cloudformation", "list_stacks", "query"),
    ("apigateway", "get_rest_apis", "rest-json"),
    ("secretsmanager", "list_secrets", "json"),
])
def test_an_unserved_service_is_named_at_once(endpoint: str, service: str, operation: str,
                                              protocol: str) -> None:
    client = _client(endpoint, service)
    assert client.meta.service_model.protocol == protocol
    with pytest.raises(ClientError) as caught:
        getattr(client, operation)()
    response = caught.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["ResponseMetadata"]["RetryAttempts"] == 0
    assert response["Error"]["Code"] == "UnrecognizedServiceException"
    assert response["Error"]["Message"] == (
        f"Headwater does not provide the {service} API (served: {SERVED})")


def test_served_services_still_answer(ddb: Any, sqs: Any, sts: Any) -> None:
    assert isinstance(ddb.list_tables()["TableNames"], list)
    assert isinstance(sqs.list_queues(), dict)
    assert sts.get_caller_identity()["Account"]
