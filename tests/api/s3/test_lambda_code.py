"""Lambda function code from S3: CreateFunction and UpdateFunctionCode with Code.S3Bucket /
S3Key (/ S3ObjectVersion), and Lambda's errors when the object cannot be read."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

import pytest
from s3_support import error_of

ROLE = "arn:aws:iam::000000000000:role/lambda-role"


def _zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", source)
    return buffer.getvalue()


@pytest.fixture
def function_name(lam: Any, unique: Callable[[str], str]) -> Iterator[str]:
    name = unique("s3code")
    yield name
    with suppress(lam.exceptions.ResourceNotFoundException):
        lam.delete_function(FunctionName=name)


def test_create_and_update_from_s3(lam: Any, s3: Any, make_bucket: Any, function_name: str
                                   ) -> None:
    bucket = make_bucket()
    s3.put_object(Bucket=bucket, Key="v1.zip",
                  Body=_zip("def handler(event, context):\n    return 'one'\n"))
    created = lam.create_function(FunctionName=function_name, Runtime="python3.11", Role=ROLE,
                                  Handler="app.handler",
                                  Code={"S3Bucket": bucket, "S3Key": "v1.zip"})
    lam.get_waiter("function_active_v2").wait(FunctionName=function_name)
    assert lam.invoke(FunctionName=function_name)["Payload"].read() == b'"one"'
    s3.put_object(Bucket=bucket, Key="v2.zip",
                  Body=_zip("def handler(event, context):\n    return 'two'\n"))
    updated = lam.update_function_code(FunctionName=function_name, S3Bucket=bucket,
                                       S3Key="v2.zip", S3ObjectVersion="null")
    assert updated["CodeSha256"] != created["CodeSha256"]
    lam.get_waiter("function_updated_v2").wait(FunctionName=function_name)
    assert lam.invoke(FunctionName=function_name)["Payload"].read() == b'"two"'


def test_missing_objects_get_lambdas_error(lam: Any, make_bucket: Any, function_name: str,
                                           unique: Callable[[str], str]) -> None:
    bucket = make_bucket()
    base = {"FunctionName": function_name, "Runtime": "python3.11", "Role": ROLE,
            "Handler": "app.handler"}
    error = error_of(lam.create_function, **base, Code={"S3Bucket": bucket, "S3Key": "none.zip"})
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"]["Code"] == "InvalidParameterValueException"
    assert error["Error"]["Message"] == ("Error occurred while GetObject. S3 Error Code: "
                                         "NoSuchKey. S3 Error Message: The specified key does "
                                         "not exist.")
    missing = unique("nobucket")
    error = error_of(lam.create_function, **base, Code={"S3Bucket": missing, "S3Key": "k"})
    assert error["Error"]["Message"] == ("Error occurred while GetObject. S3 Error Code: "
                                         "NoSuchBucket. S3 Error Message: The specified bucket "
                                         "does not exist")


def test_a_bucket_of_another_region(endpoint: str, lam: Any, function_name: str,
                                    unique: Callable[[str], str]) -> None:
    from server_support import client
    west = client("s3", endpoint, region_name="eu-west-1")
    bucket = unique("west")
    west.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint":
                                                                 "eu-west-1"})
    west.put_object(Bucket=bucket, Key="code.zip", Body=_zip("def handler(e, c): pass\n"))
    error = error_of(lam.create_function, FunctionName=function_name, Runtime="python3.11",
                     Role=ROLE, Handler="app.handler",
                     Code={"S3Bucket": bucket, "S3Key": "code.zip"})
    assert error["Error"]["Message"] == (
        "Error occurred while GetObject. S3 Error Code: PermanentRedirect. S3 Error Message: "
        "The bucket is in this region: eu-west-1. Please use this region to retry the request")
    west.delete_object(Bucket=bucket, Key="code.zip")
    west.delete_bucket(Bucket=bucket)
