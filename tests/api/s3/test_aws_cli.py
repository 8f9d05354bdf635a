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
    env = {**os.environ, "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
           "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": os.devnull,
           "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    done = subprocess.run([str(AWS), "--endpoint-url", endpoint, *args], env=env,
                          capture_output=True, text=True, timeout=120)
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
