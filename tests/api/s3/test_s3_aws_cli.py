"""The aws CLI (v1, from the test extras) against Headwater's S3: `aws s3 cp` of a 9 MB file
goes multipart (its threshold is 8 MB), `aws s3 ls`, `aws s3 cp` back, `aws s3 rm`, `aws s3api`."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from server_support import CREDENTIALS

AWS = Path(sys.executable).with_name("aws")
pytestmark = pytest.mark.skipif(not AWS.exists(), reason="the aws CLI is not installed")


def _aws(endpoint: str, *args: str) -> str:
    """The CLI with AWS_ENDPOINT_URL (what `cloudformation package` needs: --endpoint-url
    would reach only its CloudFormation client, not the S3 one it uploads with)."""
    env = {**os.environ, "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
           "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": os.devnull,
           "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_ENDPOINT_URL": endpoint}
    done = subprocess.run([str(AWS), *args], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_cp_large_file_goes_multipart(endpoint: str, s3: Any, tmp_path: Path,
                                      unique: Callable[[str], str]) -> None:
    bucket = unique("cli")
    _aws(endpoint, "s3", "mb", f"s3://{bucket}")
    source = tmp_path / "big.bin"
    data = os.urandom(9 * 1024 * 1024)
    source.write_bytes(data)
    _aws(endpoint, "s3", "cp", str(source), f"s3://{bucket}/dir/big.bin")
    head = s3.head_object(Bucket=bucket, Key="dir/big.bin")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-2"')  # 8 MiB + 1 MiB parts
    assert "dir/big.bin" in _aws(endpoint, "s3", "ls", f"s3://{bucket}", "--recursive")
    back = tmp_path / "back.bin"
    _aws(endpoint, "s3", "cp", f"s3://{bucket}/dir/big.bin", str(back))
    assert hashlib.sha256(back.read_bytes()).digest() == hashlib.sha256(data).digest()
    small = tmp_path / "small.txt"
    small.write_text("small file")
    _aws(endpoint, "s3", "cp", str(small), f"s3://{bucket}/small.txt")
    listed = json.loads(_aws(endpoint, "s3api", "list-objects-v2", "--bucket", bucket))
    assert sorted(item["Key"] for item in listed["Contents"]) == ["dir/big.bin", "small.txt"]
    _aws(endpoint, "s3", "rm", f"s3://{bucket}", "--recursive")
    _aws(endpoint, "s3", "rb", f"s3://{bucket}")
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_cloudformation_package_uploads_the_code_lambda_reads(
        endpoint: str, s3: Any, lam: Any, tmp_path: Path, unique: Callable[[str], str]) -> None:
    """`aws cloudformation package` zips a function's local Code directory, uploads it to the
    bucket (HeadObject, then PutObject) and rewrites the template to its S3Bucket/S3Key, which
    CreateFunction then reads."""
    bucket = unique("artifacts")
    s3.create_bucket(Bucket=bucket)
    source = tmp_path / "src"
    source.mkdir()
    (source / "app.py").write_text("def handler(event, context):\n    return 'packaged'\n")
    template = tmp_path / "template.json"
    template.write_text(json.dumps({"Resources": {"Fn": {
        "Type": "AWS::Lambda::Function",
        "Properties": {"Code": "./src", "Handler": "app.handler", "Runtime": "python3.11",
                       "Role": "arn:aws:iam::000000000000:role/r"}}}}))
    output = tmp_path / "packaged.json"
    _aws(endpoint, "cloudformation", "package", "--template-file", str(template),
         "--s3-bucket", bucket, "--s3-prefix", "builds", "--use-json",
         "--output-template-file", str(output))
    code = json.loads(output.read_text())["Resources"]["Fn"]["Properties"]["Code"]
    assert code["S3Bucket"] == bucket and code["S3Key"].startswith("builds/")
    # Packaging again finds the same artifact there (HeadObject) and uploads nothing new.
    _aws(endpoint, "cloudformation", "package", "--template-file", str(template),
         "--s3-bucket", bucket, "--s3-prefix", "builds", "--use-json",
         "--output-template-file", str(output))
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 1
    name = unique("packaged")
    lam.create_function(FunctionName=name, Runtime="python3.11", Handler="app.handler",
                        Role="arn:aws:iam::000000000000:role/r", Code=code)
    lam.get_waiter("function_active_v2").wait(FunctionName=name)
    assert lam.invoke(FunctionName=name)["Payload"].read() == b'"packaged"'
    lam.delete_function(FunctionName=name)
