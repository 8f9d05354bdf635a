"""The pytest plugin as a user meets it: a temporary project holding only a test file, run with
`python -m pytest` from this venv (where Headwater is installed, so its pytest11 entry point
loads the plugin), outcome read from pytest's summary. Each project gets no conftest.py: the
fixtures must come from the installed package alone."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.local_only

ISOLATION = '''
import pytest

TABLE = dict(TableName="users", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
             AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
             BillingMode="PAY_PER_REQUEST")


@pytest.mark.parametrize("who", ["first", "second"])
def test_each_test_creates_the_same_table(headwater, who):
    ddb = headwater.client("dynamodb")
    assert ddb.list_tables()["TableNames"] == []
    ddb.create_table(**TABLE)
    ddb.put_item(TableName="users", Item={"pk": {"S": who}})
    assert [item["pk"]["S"] for item in ddb.scan(TableName="users")["Items"]] == [who]


def test_queues_and_functions_are_per_test_too(headwater):
    sqs = headwater.client("sqs")
    assert sqs.list_queues().get("QueueUrls", []) == []
    sqs.create_queue(QueueName="jobs")
    assert headwater.client("lambda").list_functions()["Functions"] == []


def test_resource_and_endpoint(headwater, headwater_server):
    assert headwater.endpoint_url == headwater_server.endpoint_url
    assert len(headwater.account_id) == 12 and headwater.account_id.isdigit()
    assert headwater.client("sts").get_caller_identity()["Account"] == headwater.account_id
    table = headwater.resource("dynamodb").create_table(**TABLE)
    table.put_item(Item={"pk": "a"})
    assert table.get_item(Key={"pk": "a"})["Item"] == {"pk": "a"}
'''

CLOCK = '''
import pytest


def test_the_shared_server_clock_is_not_a_test_s_to_move(headwater):
    with pytest.raises(RuntimeError, match="headwater_private"):
        headwater.advance(60)


def test_a_private_server_moves_its_own_clock(headwater, headwater_private):
    assert headwater_private.endpoint_url != headwater.endpoint_url
    before = headwater_private.now()
    after = headwater_private.advance(3600)
    assert after - before >= 3600
    assert headwater.now() < after - 1800
'''

TRIGGER = '''
import io, json, time, zipfile

HANDLER = "def handler(event, context):\\n    return {}\\n"


def test_wait_for_trigger(headwater):
    ddb, lam = headwater.client("dynamodb"), headwater.client("lambda")
    stream = ddb.create_table(
        TableName="orders", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]["LatestStreamArn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", HANDLER)
    lam.create_function(FunctionName="on_order", Runtime="python3.12", Handler="app.handler",
                        Role=f"arn:aws:iam::{headwater.account_id}:role/r",
                        Code={"ZipFile": code.getvalue()})
    mapping = lam.create_event_source_mapping(FunctionName="on_order", EventSourceArn=stream,
                                              StartingPosition="TRIM_HORIZON")["UUID"]
    for n in range(3):
        ddb.put_item(TableName="orders", Item={"pk": {"S": str(n)}})
    assert headwater.wait_for_trigger(mapping, records=3, timeout=30) == 3
'''


def run_project(tmp_path: Path, source: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m pytest` in a fresh directory holding `test_user.py` and nothing else."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_user.py").write_text(textwrap.dedent(source))
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("AWS_", "PYTEST_"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=project, env=env, capture_output=True, text=True, timeout=300)


def test_two_tests_creating_the_same_table_do_not_clash(tmp_path: Path) -> None:
    result = run_project(tmp_path, ISOLATION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_the_clock_moves_only_on_a_server_of_the_test_s_own(tmp_path: Path) -> None:
    result = run_project(tmp_path, CLOCK)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_wait_for_trigger_returns_once_the_records_are_processed(tmp_path: Path) -> None:
    result = run_project(tmp_path, TRIGGER)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_a_failing_user_test_fails(tmp_path: Path) -> None:
    """The harness can see a failure (so the passes above mean something)."""
    result = run_project(tmp_path, '''
        def test_sees_another_account_s_table(headwater, headwater_server):
            headwater_server.client("dynamodb").create_table(
                TableName="t", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST")
            assert headwater.client("dynamodb").list_tables()["TableNames"] == ["t"]
    ''')
    assert result.returncode == 1
    assert "1 failed" in result.stdout


def test_the_documented_example_passes(tmp_path: Path) -> None:
    """examples/testing (the README's "Testing your stream handlers") run as a user runs it."""
    import shutil

    example = Path(__file__).resolve().parents[2] / "examples" / "testing"
    project = tmp_path / "example"
    shutil.copytree(example, project)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("AWS_", "PYTEST_"))}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                            cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
