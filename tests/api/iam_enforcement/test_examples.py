"""The replication and leaderboard examples with least-privilege roles (issue 13 §6): each runs
to its outcome against a server with --enforce-iam and against one without, and with any one
of the actions its role needs left out (`--leave-out`), its first failing step shows AWS's
error: CreateEventSourceMapping's for the stream and destination actions, the handler's
AccessDeniedException for the item actions."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from server_support import Server

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
REPLICATION = [str(EXAMPLES / "replication" / "run.py"), "--orders", "20", "--changes", "100"]
LEADERBOARD = [str(EXAMPLES / "leaderboard" / "run.py"), "--interactions", "100"]
STREAM = r"arn:aws:dynamodb:us-east-1:000000000000:table/{table}-\w{{6}}/stream/\S+"
SETUP_FAILED = ("setup failed: An error occurred (InvalidParameterValueException) when calling "
                "the CreateEventSourceMapping operation: ")
DENIED = ("; the function's last error: [ERROR] ClientError: An error occurred "
          "(AccessDeniedException) when calling the {op} operation: User: "
          "arn:aws:sts::000000000000:assumed-role/{fn}/{fn} is not authorized to perform: "
          "dynamodb:{op} on resource: arn:aws:dynamodb:us-east-1:000000000000:table/{table} "
          "because no identity-based policy allows the dynamodb:{op} action")


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args, "--timeout", str(timeout)],
                          capture_output=True, text=True, timeout=timeout + 60)


@pytest.mark.parametrize("where", ["enforced", "own server"])
def test_replication_converges_with_its_role(enforced: Server, where: str) -> None:
    endpoint = ["--endpoint", enforced.url] if where == "enforced" else []
    done = run(*REPLICATION, *endpoint)
    assert done.returncode == 0, done.stderr
    assert "converged" in done.stdout.splitlines()[-1]


@pytest.mark.skipif(shutil.which("node") is None, reason="no `node` on PATH")
def test_replication_converges_with_the_node_handler(enforced: Server) -> None:
    done = run(*REPLICATION, "--endpoint", enforced.url, "--runtime", "nodejs20.x", timeout=300)
    assert done.returncode == 0, done.stderr
    assert "converged" in done.stdout.splitlines()[-1]


@pytest.mark.skipif(shutil.which("node") is None, reason="no `node` on PATH")
def test_node_replicator_without_put_item(enforced: Server) -> None:
    done = run(*REPLICATION, "--endpoint", enforced.url, "--fail-rate", "0", "--runtime",
               "nodejs20.x", "--leave-out", "dynamodb:PutItem", timeout=15)
    assert done.returncode == 1
    suffix = re.search(r"orders-(\w{6}) ", done.stdout)
    assert suffix, done.stdout
    function, table = f"replicator-{suffix[1]}", f"orders-replica-{suffix[1]}"
    assert "\tERROR\tInvoke Error \t" in done.stderr
    assert ('"errorType":"AccessDeniedException","errorMessage":"User: arn:aws:sts::'
            f"000000000000:assumed-role/{function}/{function} is not authorized to perform: "
            "dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/"
            f"{table} because no identity-based policy allows the dynamodb:PutItem action"
            ) in done.stderr


@pytest.mark.parametrize("where", ["enforced", "own server"])
def test_leaderboard_matches_with_its_role(enforced: Server, where: str) -> None:
    endpoint = ["--endpoint", enforced.url] if where == "enforced" else []
    done = run(*LEADERBOARD, *endpoint)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith(
        "failure queue: RetryAttemptsExhausted after 2 invocations, batchSize 1")


@pytest.mark.parametrize("action", ["dynamodb:GetRecords", "dynamodb:GetShardIterator",
                                    "dynamodb:DescribeStream", "dynamodb:ListStreams"])
def test_replication_without_a_stream_action(enforced: Server, action: str) -> None:
    done = run(*REPLICATION, "--endpoint", enforced.url, "--leave-out", action)
    assert done.returncode == 1
    assert re.fullmatch(re.escape(SETUP_FAILED) + "Cannot access stream " + STREAM.format(
        table="orders") + re.escape(
        ". Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream,"
        " and ListStreams Actions on your stream in IAM."), done.stderr.strip()), done.stderr


def test_replication_without_put_item(enforced: Server) -> None:
    done = run(*REPLICATION, "--endpoint", enforced.url, "--fail-rate", "0",
               "--leave-out", "dynamodb:PutItem", timeout=15)
    assert done.returncode == 1
    suffix = re.search(r"orders-(\w{6}) ", done.stdout)
    assert suffix, done.stdout
    assert done.stderr.strip() == "replica did not converge in time" + DENIED.format(
        op="PutItem", fn=f"replicator-{suffix[1]}", table=f"orders-replica-{suffix[1]}")


def test_leaderboard_without_send_message(enforced: Server) -> None:
    done = run(*LEADERBOARD, "--endpoint", enforced.url, "--leave-out", "sqs:SendMessage")
    assert done.returncode == 1
    assert done.stderr.strip() == SETUP_FAILED + (
        "The provided execution role does not have permissions to call SendMessage on SQS")


def test_leaderboard_without_update_item(enforced: Server) -> None:
    done = run(*LEADERBOARD, "--endpoint", enforced.url, "--leave-out", "dynamodb:UpdateItem",
               timeout=15)
    assert done.returncode == 1
    suffix = re.search(r"leaderboard-(\w{6})\b", done.stderr)
    assert suffix, done.stderr
    assert done.stderr.strip() == (
        "timed out waiting for the leaderboard to match the likes written" + DENIED.format(
            op="UpdateItem", fn=f"leaderboard-{suffix[1]}", table=f"leaderboard-{suffix[1]}"))
