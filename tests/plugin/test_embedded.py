"""`with headwater.Server(in_memory=True) as hw:` in any Python program: ready on return,
stopped on exit; a server that cannot start says why."""

from __future__ import annotations

from pathlib import Path

import pytest
import urllib3

import headwater
from headwater.testing import ServerError


def test_ready_on_return_and_stopped_on_exit() -> None:
    with headwater.Server(in_memory=True) as hw:
        health = urllib3.request("GET", f"{hw.endpoint_url}/_headwater/health")
        assert health.status == 200
        ddb = hw.account().client("dynamodb")
        assert ddb.list_tables()["TableNames"] == []
        process = hw.process
        assert process is not None
    assert process.poll() is not None
    with pytest.raises(urllib3.exceptions.HTTPError):
        urllib3.request("GET", f"{hw.endpoint_url}/_headwater/health", retries=False)


def test_accounts_on_one_server_are_apart() -> None:
    with headwater.Server() as hw:
        first, second = hw.account(), hw.account()
        assert first.account_id != second.account_id
        first.client("sqs").create_queue(QueueName="q")
        assert second.client("sqs").list_queues().get("QueueUrls", []) == []
        assert len(first.client("sqs").list_queues()["QueueUrls"]) == 1


def test_state_on_disk_survives_a_restart(tmp_path: Path) -> None:
    with headwater.Server(in_memory=False, data_dir=tmp_path / "data") as hw:
        hw.client("sqs").create_queue(QueueName="kept")
    with headwater.Server(in_memory=False, data_dir=tmp_path / "data") as hw:
        assert len(hw.client("sqs").list_queues()["QueueUrls"]) == 1


def test_a_server_that_cannot_start_says_why(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ServerError, match="headwater did not start: headwater: "):
        headwater.Server(in_memory=False, data_dir=blocker / "data").start()


def test_a_data_dir_without_in_memory_false_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="in_memory=False"):
        headwater.Server(data_dir=tmp_path / "data")
