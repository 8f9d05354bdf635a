"""The `headwater` command line's rough edges: -h, `headwater reset`, and a busy port as a
one-line error (an unusable --data-dir: tests/api/test_data_dir_lock.py)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from server_support import Server, client, start_server

pytestmark = pytest.mark.local_only


def headwater(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "headwater", *args], capture_output=True,
                          text=True, timeout=60, cwd=cwd)


@pytest.mark.parametrize("command", [[], ["serve"], ["logs"], ["stream"], ["clock"], ["reset"]])
def test_dash_h_is_help(command: list[str]) -> None:
    short, long = headwater(*command, "-h"), headwater(*command, "--help")
    assert short.returncode == 0, short.stderr
    assert short.stdout == long.stdout
    assert short.stdout.startswith("Usage: ")


def test_region_and_profile_options_are_offered() -> None:
    for command in ("logs", "stream"):
        text = headwater(command, "-h").stdout
        assert "--region" in text and "AWS_DEFAULT_REGION" in text and "--profile" in text


def test_reset_deletes_a_stopped_server_s_state(tmp_path: Path, servers: list[Server]) -> None:
    data = tmp_path / "data"
    first = start_server("--data-dir", str(data))
    client("sqs", first.url).create_queue(QueueName="kept-until-reset")
    first.stop()
    result = headwater("reset", "--data-dir", str(data))
    assert (result.returncode, result.stdout, result.stderr) == (0, f"{data}: state deleted\n", "")
    second = start_server("--data-dir", str(data))
    servers.append(second)
    assert client("sqs", second.url).list_queues().get("QueueUrls", []) == []


def test_reset_of_a_data_dir_in_use_asks_for_the_endpoint(tmp_path: Path,
                                                           servers: list[Server]) -> None:
    data = tmp_path / "data"
    running = start_server("--data-dir", str(data))
    servers.append(running)
    client("sqs", running.url).create_queue(QueueName="still-here")
    result = headwater("reset", "--data-dir", str(data))
    assert result.returncode == 1
    assert result.stderr == (
        f"headwater: the data directory {data} is in use by another headwater server "
        f"(PID {running.process.pid}): give its address with --endpoint to reset it running, "
        "or stop it first\n")
    assert len(client("sqs", running.url).list_queues()["QueueUrls"]) == 1


@pytest.mark.parametrize("storage", ["on disk", "in memory"])
def test_reset_of_a_running_server(tmp_path: Path, servers: list[Server], storage: str) -> None:
    data = tmp_path / "data"
    running = start_server(*(["--data-dir", str(data)] if storage == "on disk"
                             else ["--in-memory"]))
    servers.append(running)
    ddb = client("dynamodb", running.url, aws_access_key_id="123456789012")
    ddb.create_table(TableName="gone", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    client("sqs", running.url).create_queue(QueueName="gone-too")
    moved = running.advance(7200)
    result = headwater("reset", "--endpoint", running.url)
    assert (result.returncode, result.stdout, result.stderr) == (
        0, f"{running.url}: state deleted\n", "")
    assert ddb.list_tables()["TableNames"] == []
    assert client("sqs", running.url).list_queues().get("QueueUrls", []) == []
    assert running.now() >= moved  # the clock never moves back
    # The server goes on serving, writes included.
    ddb.create_table(TableName="gone", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    ddb.put_item(TableName="gone", Item={"pk": {"S": "back"}})
    assert ddb.get_item(TableName="gone", Key={"pk": {"S": "back"}})["Item"]
    # Keys IAM issues after the reset are known (the request path holds the new runtime's
    # identities, not the old one's).
    iam = client("iam", running.url, aws_access_key_id="123456789012")
    iam.create_user(UserName="after-reset")
    key = iam.create_access_key(UserName="after-reset")["AccessKey"]
    who = client("sts", running.url, aws_access_key_id=key["AccessKeyId"],
                 aws_secret_access_key=key["SecretAccessKey"]).get_caller_identity()
    assert who["Arn"] == "arn:aws:iam::123456789012:user/after-reset"
    if storage == "on disk":
        running.stop()
        again = start_server("--data-dir", str(data))
        servers.append(again)
        ddb = client("dynamodb", again.url, aws_access_key_id="123456789012")
        assert ddb.list_tables()["TableNames"] == ["gone"]
        assert again.now() >= moved


def test_reset_endpoint_takes_post_only(server: Server) -> None:
    import urllib3

    assert urllib3.request("GET", f"{server.url}/_headwater/reset").status == 405


def test_reset_of_a_missing_directory_is_nothing_to_do(tmp_path: Path) -> None:
    result = headwater("reset", "--data-dir", str(tmp_path / "none"))
    assert (result.returncode, result.stdout) == (0, f"{tmp_path / 'none'}: nothing to reset\n")
    assert not (tmp_path / "none").exists()


def test_a_busy_port_is_a_one_line_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = headwater("serve", "--in-memory", "--port", str(port))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"headwater: cannot listen on 127.0.0.1:{port}: ")
    assert result.stderr.count("\n") == 1


def test_functions_and_triggers_work_after_a_reset(servers: list[Server]) -> None:
    import io
    import zipfile

    from headwater.testing.embedded import wait_for_trigger

    running = start_server("--in-memory")
    servers.append(running)
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {}\n")

    def deploy() -> str:
        ddb, lam = client("dynamodb", running.url), client("lambda", running.url)
        arn = ddb.create_table(
            TableName="orders", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
        )["TableDescription"]["LatestStreamArn"]
        lam.create_function(FunctionName="f", Runtime="python3.12", Handler="app.handler",
                            Role="arn:aws:iam::000000000000:role/r",
                            Code={"ZipFile": code.getvalue()})
        uuid: str = lam.create_event_source_mapping(
            FunctionName="f", EventSourceArn=arn, StartingPosition="TRIM_HORIZON")["UUID"]
        ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}})
        return uuid

    assert wait_for_trigger(running.url, deploy(), records=1, timeout=30) == 1
    assert headwater("reset", "--endpoint", running.url).returncode == 0
    assert wait_for_trigger(running.url, deploy(), records=1, timeout=30) == 1
