"""`headwater deploy` run as a user runs it (a subprocess against a live server): the
replication example's SAM template packaged, uploaded and deployed, the trigger working end to
end, an unchanged redeploy, parameter overrides, a plain CloudFormation function from a local
directory, a failing resource, and --delete."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
REPLICATION = EXAMPLES / "replication" / "template.yaml"
LEADERBOARD = EXAMPLES / "leaderboard" / "template.yaml"


def deploy(endpoint: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "headwater", "deploy", *args,
                           "--endpoint", endpoint], capture_output=True, text=True,
                          timeout=timeout)


def outputs(stdout: str) -> dict[str, str]:
    lines = stdout.split("Outputs:\n", 1)[1].splitlines()
    return dict(line.split(None, 1) for line in lines if line.startswith("  "))


def wait_for(check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    return check()


def test_replication_example_deploys_runs_redeploys_and_deletes(endpoint: str, ddb: Any,
                                                                s3: Any) -> None:
    stack = f"replication-{uuid.uuid4().hex[:6]}"
    done = deploy(endpoint, str(REPLICATION), "--stack-name", stack)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(
        f"Packaged code: s3://headwater-deploy-000000000000-us-east-1/{stack}/")
    assert any("CREATE_COMPLETE" in line and "AWS::Lambda::EventSourceMapping" in line
               for line in lines)
    assert f"Successfully deployed stack {stack}: CREATE_COMPLETE" in done.stdout
    found = outputs(done.stdout)
    orders, replica = found["OrdersTable"], found["ReplicaTable"]
    ddb.put_item(TableName=orders, Item={"id": {"S": "o-1"}, "version": {"N": "1"}})
    assert wait_for(lambda: ddb.get_item(TableName=replica, Key={"id": {"S": "o-1"}},
                                         ConsistentRead=True).get("Item"))
    key = lines[0].split(f"/{stack}/", 1)[1]
    assert s3.head_object(Bucket="headwater-deploy-000000000000-us-east-1",
                          Key=f"{stack}/{key}")["ContentLength"] > 0

    again = deploy(endpoint, str(REPLICATION), "--stack-name", stack)
    assert again.returncode == 0, again.stderr
    assert f"No changes to deploy. Stack {stack} is up to date" in again.stdout

    updated = deploy(endpoint, str(REPLICATION), "--stack-name", stack,
                     "--parameter-overrides", "FailRate=0.5")
    assert updated.returncode == 0, updated.stderr
    assert f"Successfully deployed stack {stack}: UPDATE_COMPLETE" in updated.stdout

    removed = deploy(endpoint, "--delete", "--stack-name", stack)
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.splitlines()[-1].startswith(f"Deleted stack {stack} (")
    assert orders not in ddb.list_tables()["TableNames"]


def test_leaderboard_example_deploys(endpoint: str, sqs: Any) -> None:
    stack = f"leaderboard-{uuid.uuid4().hex[:6]}"
    done = deploy(endpoint, str(LEADERBOARD), "--stack-name", stack)
    assert done.returncode == 0, done.stderr
    assert f"Successfully deployed stack {stack}: CREATE_COMPLETE" in done.stdout
    assert outputs(done.stdout)["FailureQueue"].startswith("http")
    assert deploy(endpoint, "--delete", "--stack-name", stack).returncode == 0


def test_a_plain_function_from_a_local_directory(endpoint: str, lam: Any, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n"
                                             "    return {'echo': event}\n")
    template = tmp_path / "template.yaml"
    template.write_text(textwrap.dedent("""
        Resources:
          Role:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal: {Service: lambda.amazonaws.com}
                    Action: sts:AssumeRole
          Echo:
            Type: AWS::Lambda::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              Role: !GetAtt Role.Arn
              Code: ./src
        Outputs:
          Name:
            Value: !Ref Echo
    """))
    stack = f"echo-{uuid.uuid4().hex[:6]}"
    done = deploy(endpoint, str(template), "--stack-name", stack)
    assert done.returncode == 0, done.stderr
    name = outputs(done.stdout)["Name"]
    answer = lam.invoke(FunctionName=name, Payload=b'{"x": 1}')["Payload"].read()
    assert answer == b'{"echo": {"x": 1}}'
    assert deploy(endpoint, "--delete", "--stack-name", stack).returncode == 0


def test_a_failing_resource_fails_the_deploy_with_its_reason(endpoint: str,
                                                             tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(textwrap.dedent("""
        Resources:
          Table:
            Type: AWS::DynamoDB::Table
            Properties:
              BillingMode: PAY_PER_REQUEST
              AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
              KeySchema: [{AttributeName: id, KeyType: HASH}]
          Broken:
            Type: AWS::Lambda::Function
            DependsOn: Table
            Properties:
              Runtime: python2.7
              Handler: index.handler
              Role: arn:aws:iam::000000000000:role/any
              Code: {ZipFile: "def handler(e, c): pass"}
    """))
    stack = f"broken-{uuid.uuid4().hex[:6]}"
    done = deploy(endpoint, str(template), "--stack-name", stack)
    assert done.returncode == 1
    assert done.stderr.startswith(
        f"headwater: stack {stack} ended ROLLBACK_COMPLETE: Broken: Resource handler returned "
        "message: \"The runtime parameter of python2.7 is no longer supported for creating or "
        "updating AWS Lambda functions. We recommend you use a supported runtime while creating "
        "or updating functions.\" (Service: Lambda, Status Code: 400, Request ID: ")
    assert "CREATE_FAILED" in done.stdout and "DELETE_COMPLETE" in done.stdout


def test_errors_are_one_line(endpoint: str, tmp_path: Path) -> None:
    missing = deploy(endpoint, str(tmp_path / "nope.yaml"))
    assert (missing.returncode, missing.stderr) == (
        1, f"headwater: {tmp_path / 'nope.yaml'}: no such template\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources: [unclosed\n")
    malformed = deploy(endpoint, str(bad))
    assert malformed.returncode == 1
    assert malformed.stderr.startswith(f"headwater: {bad}: Template format error: YAML not "
                                       "well-formed.")
    nothing = deploy(endpoint, "--delete", "--stack-name", "never-was")
    assert (nothing.returncode, nothing.stderr) == (
        1, "headwater: Stack with id never-was does not exist\n")
    wrong = deploy(endpoint, str(REPLICATION), "--stack-name", "x",
                   "--parameter-overrides", "FailRate")
    assert wrong.returncode == 1
    assert "takes K=V pairs" in wrong.stderr


@pytest.fixture(scope="module")
def s3(endpoint: str) -> Any:
    from server_support import client

    return client("s3", endpoint)
