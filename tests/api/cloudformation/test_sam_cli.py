"""The standard AWS flows run as a user runs them, with AWS_ENDPOINT_URL pointing at Headwater:
`sam build` + `sam deploy --resolve-s3` + `sam delete` (aws-sam-cli from PyPI, installed into
Headwater's cache by sam_cli_install.py; skipped, saying why, only when it cannot be installed)
of the replication example, its trigger working end to end; and `aws cloudformation package` +
`aws cloudformation deploy --s3-bucket` (the aws CLI v1 of the test venv) of the same template.
Both send the template as a TemplateURL of an object they uploaded; `sam deploy --resolve-s3`
first creates the managed stack aws-sam-cli-managed-default (an AWS::S3::Bucket and its
AWS::S3::BucketPolicy)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from sam_cli_install import SamUnavailable, install
from server_support import session_client

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "replication"
AWS = Path(sys.executable).parent / "aws"
MANAGED_STACK = "aws-sam-cli-managed-default"

s3 = session_client("s3", "s3")


@pytest.fixture(scope="module")
def sam() -> Path:
    try:
        return install()
    except SamUnavailable as error:
        pytest.skip(f"aws-sam-cli could not be installed from PyPI: {error}")


def user_env(endpoint: str) -> dict[str, str]:
    """A user's shell: credentials and region from the environment only, no telemetry, sam's
    documented SAM_CLI_POLL_DELAY (default 5 s between stack event polls; Headwater deploys in
    well under that), and this interpreter's directory on PATH (a python3.X for `sam build`)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update({"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "000000000000",
                "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "SAM_CLI_TELEMETRY": "0", "SAM_CLI_CONTACT_TRACKING": "0",
                "SAM_CLI_POLL_DELAY": "0.2",
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"})
    return env


def project(tmp_path: Path, env: dict[str, str]) -> Path:
    """A copy of the replication example. `sam build` needs a python of the template's runtime
    on PATH: when there is none, the copy names this interpreter's version instead."""
    copy = tmp_path / "replication"
    copy.mkdir()
    shutil.copytree(EXAMPLE / "function", copy / "function")
    template = (EXAMPLE / "template.yaml").read_text()
    runtime = re.search(r"Runtime: (python3\.\d+)", template)
    assert runtime is not None
    if shutil.which(runtime[1], path=env["PATH"]) is None:
        mine = f"python{sys.version_info.major}.{sys.version_info.minor}"
        template = template.replace(runtime[0], f"Runtime: {mine}")
    (copy / "template.yaml").write_text(template)
    return copy


def run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"{command[:2]} failed:\n{done.stdout[-3000:]}\n" \
                                 f"{done.stderr[-3000:]}"
    return done.stdout + done.stderr


def wait_for(check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    return check()


def outputs(cfn: Any, stack: str) -> dict[str, str]:
    found = cfn.describe_stacks(StackName=stack)["Stacks"][0]
    assert found["StackStatus"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE"), found
    return {o["OutputKey"]: o["OutputValue"] for o in found["Outputs"]}


def replicates(ddb: Any, found: dict[str, str]) -> bool:
    key = {"id": {"S": f"o-{uuid.uuid4().hex[:6]}"}}
    ddb.put_item(TableName=found["OrdersTable"], Item={**key, "version": {"N": "1"}})
    return bool(wait_for(lambda: ddb.get_item(TableName=found["ReplicaTable"], Key=key,
                                               ConsistentRead=True).get("Item")))


def gone(cfn: Any, stack: str) -> bool:
    try:
        status = cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    except ClientError as error:
        return "does not exist" in error.response["Error"]["Message"]
    return bool(status == "DELETE_COMPLETE")


@pytest.fixture
def managed_stack(cfn: Any, s3: Any) -> Iterator[None]:
    """sam's managed stack is left by `sam delete` (as on AWS); removed afterwards."""
    yield
    try:
        bucket = outputs(cfn, MANAGED_STACK)["SourceBucket"]
    except ClientError:
        return
    for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        s3.delete_object(Bucket=bucket, Key=item["Key"])
    cfn.delete_stack(StackName=MANAGED_STACK)
    assert wait_for(lambda: gone(cfn, MANAGED_STACK))


def test_sam_build_deploy_and_delete(sam: Path, endpoint: str, cfn: Any, ddb: Any, s3: Any,
                                     tmp_path: Path, managed_stack: None) -> None:
    env = user_env(endpoint)
    where = project(tmp_path, env)
    stack = f"sam-{uuid.uuid4().hex[:8]}"
    run([str(sam), "build"], where, env)
    assert (where / ".aws-sam" / "build" / "Replicator" / "replicator.py").exists()
    run([str(sam), "deploy", "--stack-name", stack, "--resolve-s3", "--capabilities",
         "CAPABILITY_IAM", "--no-confirm-changeset", "--no-progressbar"], where, env)
    bucket = outputs(cfn, MANAGED_STACK)["SourceBucket"]
    assert bucket.startswith("aws-sam-cli-managed-default-samclisourcebucket-")
    assert {r["ResourceType"] for r in cfn.describe_stack_resources(
        StackName=MANAGED_STACK)["StackResources"]} == {"AWS::S3::Bucket",
                                                        "AWS::S3::BucketPolicy"}
    uploaded = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert any(key.endswith(".template") for key in uploaded), uploaded
    assert replicates(ddb, outputs(cfn, stack))
    run([str(sam), "delete", "--stack-name", stack, "--no-prompts"], where, env)
    assert wait_for(lambda: gone(cfn, stack))
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0


def test_aws_cloudformation_package_and_deploy(endpoint: str, cfn: Any, ddb: Any, s3: Any,
                                               tmp_path: Path) -> None:
    env = user_env(endpoint)
    where = project(tmp_path, env)
    bucket = f"artifacts-{uuid.uuid4().hex[:8]}"
    stack = f"pkg-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    run([str(AWS), "cloudformation", "package", "--template-file", "template.yaml",
         "--s3-bucket", bucket, "--output-template-file", "packaged.yaml"], where, env)
    assert f"s3://{bucket}/" in (where / "packaged.yaml").read_text()
    # --s3-bucket: the CLI uploads the template too and sends its URL (TemplateURL).
    run([str(AWS), "cloudformation", "deploy", "--template-file", "packaged.yaml",
         "--stack-name", stack, "--s3-bucket", bucket, "--capabilities", "CAPABILITY_IAM"],
        where, env)
    assert any(item["Key"].endswith(".template")
               for item in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert replicates(ddb, outputs(cfn, stack))
    cfn.delete_stack(StackName=stack)
    assert wait_for(lambda: gone(cfn, stack))
    for item in s3.list_objects_v2(Bucket=bucket)["Contents"]:
        s3.delete_object(Bucket=bucket, Key=item["Key"])
    s3.delete_bucket(Bucket=bucket)
