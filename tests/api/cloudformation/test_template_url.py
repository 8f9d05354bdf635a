"""TemplateURL: CreateStack, UpdateStack, CreateChangeSet, ValidateTemplate and
GetTemplateSummary read the template from Headwater's own S3, as the caller, whatever the URL's
host (path style or virtual hosted, as `aws cloudformation deploy --s3-bucket` and `sam deploy`
write them); a missing object or bucket is CloudFormation's "S3 error: ...", a URL that names
no object "TemplateURL must be a supported URL." (CloudFormation API reference, ValidationError)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from server_support import session_client
from stack_support import settle

s3 = session_client("s3", "s3")
QUEUE = "Resources:\n  Queue: {Type: AWS::SQS::Queue, Properties: {DelaySeconds: %d}}\n" \
        "Outputs:\n  Url: {Value: !Ref Queue}\n"
MORE = "For more information check http://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html"


@pytest.fixture
def bucket(s3: Any, unique: Any) -> Iterator[str]:
    name = unique("templates")
    s3.create_bucket(Bucket=name)
    yield name
    for item in s3.list_objects_v2(Bucket=name).get("Contents", []):
        s3.delete_object(Bucket=name, Key=item["Key"])
    s3.delete_bucket(Bucket=name)


def test_create_and_update_from_any_url_style(cfn: Any, sqs: Any, s3: Any, stacks: Any,
                                              bucket: str, endpoint: str) -> None:
    s3.put_object(Bucket=bucket, Key="dir/one.yaml", Body=QUEUE % 1)
    s3.put_object(Bucket=bucket, Key="dir/two.yaml", Body=QUEUE % 2)
    name = stacks.name()
    stack_id = cfn.create_stack(StackName=name,
                                TemplateURL=f"{endpoint}/{bucket}/dir/one.yaml")["StackId"]
    stacks.made.append(stack_id)
    stack = settle(cfn, stack_id)
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    url = stack["Outputs"][0]["OutputValue"]
    assert cfn.get_template(StackName=name)["TemplateBody"] == QUEUE % 1
    cfn.update_stack(StackName=name,
                     TemplateURL=f"https://{bucket}.s3.us-east-1.amazonaws.com/dir/two.yaml")
    assert settle(cfn, stack_id)["StackStatus"] == "UPDATE_COMPLETE"
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])[
        "Attributes"]["DelaySeconds"] == "2"
    cfn.create_change_set(StackName=name, ChangeSetName="back",
                          TemplateURL=f"https://s3.amazonaws.com/{bucket}/dir/one.yaml")
    found = cfn.describe_change_set(StackName=name, ChangeSetName="back")
    for _ in range(200):
        if found["Status"] == "CREATE_COMPLETE":
            break
        found = cfn.describe_change_set(StackName=name, ChangeSetName="back")
    assert found["Status"] == "CREATE_COMPLETE", found
    assert [c["ResourceChange"]["Action"] for c in found["Changes"]] == ["Modify"]


def test_validate_and_summarise_from_a_url(cfn: Any, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="t.yaml",
                  Body="Description: d\nParameters:\n  P: {Type: String}\n" + QUEUE % 0)
    url = f"https://{bucket}.s3.amazonaws.com/t.yaml"
    assert cfn.validate_template(TemplateURL=url)["Description"] == "d"
    summary = cfn.get_template_summary(TemplateURL=url)
    assert summary["ResourceTypes"] == ["AWS::SQS::Queue"]
    assert [p["ParameterKey"] for p in summary["Parameters"]] == ["P"]


def test_missing_object_bucket_and_unsupported_urls(cfn: Any, bucket: str, endpoint: str,
                                                     expect_error: Any) -> None:
    expect_error(cfn.create_stack, "ValidationError",
                 f"S3 error: The specified key does not exist.\n{MORE}",
                 StackName="s-missing", TemplateURL=f"{endpoint}/{bucket}/none.yaml")
    expect_error(cfn.validate_template, "ValidationError",
                 f"S3 error: The specified bucket does not exist\n{MORE}",
                 TemplateURL=f"https://s3.amazonaws.com/{bucket}-gone/t.yaml")
    for url in (f"s3://{bucket}/t.yaml", "https://s3.amazonaws.com/only-a-bucket", "nonsense"):
        expect_error(cfn.get_template_summary, "ValidationError",
                     "TemplateURL must be a supported URL.", TemplateURL=url)
