"""Function logs through the CloudWatch Logs subset and `headwater logs`."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from botocore.exceptions import ClientError
from functions_support import Factory, call, new_name

PRINTS = "def handler(e, c):\n    print('hello', e['n'])\n    return 1\n"


def test_log_groups_streams_and_events(lambda_: Any, logs: Any, make_function: Factory) -> None:
    name = make_function(PRINTS, MemorySize=512)
    call(lambda_, name, {"n": 1})
    call(lambda_, name, {"n": 2})
    group = f"/aws/lambda/{name}"
    groups = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert [g["logGroupName"] for g in groups] == [group]
    streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
    assert len(streams) == 1 and "[$LATEST]" in streams[0]["logStreamName"]
    events = logs.get_log_events(logGroupName=group, logStreamName=streams[0]["logStreamName"],
                                 startFromHead=True)["events"]
    messages = [e["message"] for e in events]
    assert messages[0].startswith("START RequestId: ")
    assert messages[1] == "hello 1"
    assert messages[3].startswith("REPORT RequestId: ")
    assert "\tMemory Size: 512 MB\t" in messages[3] and "Init Duration" in messages[3]
    assert messages[5] == "hello 2"
    assert "Init Duration" not in messages[7]
    found = logs.filter_log_events(logGroupName=group, filterPattern="hello")["events"]
    assert [e["message"] for e in found] == ["hello 1", "hello 2"]
    reports = logs.filter_log_events(logGroupName=group, filterPattern="REPORT")["events"]
    assert len(reports) == 2


def test_missing_log_group(logs: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        logs.describe_log_streams(logGroupName="/aws/lambda/never-ran")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert excinfo.value.response["Error"]["Message"] == "The specified log group does not exist."


def test_headwater_logs_command(lambda_: Any, endpoint: str, make_function: Factory) -> None:
    name = make_function(PRINTS)
    call(lambda_, name, {"n": 42})
    done = subprocess.run([sys.executable, "-m", "headwater", "logs", name, "--endpoint",
                           endpoint], capture_output=True, text=True, timeout=30, check=True)
    lines = done.stdout.splitlines()
    assert any(line.endswith(" hello 42") for line in lines)
    assert any(" START RequestId: " in line for line in lines)


def test_headwater_logs_reads_a_custom_log_group(lambda_: Any, endpoint: str,
                                                 make_function: Factory) -> None:
    name = make_function(PRINTS, LoggingConfig={"LogGroup": f"/custom/{new_name()}"})
    call(lambda_, name, {"n": 7})
    done = subprocess.run([sys.executable, "-m", "headwater", "logs", name, "--endpoint",
                           endpoint], capture_output=True, text=True, timeout=30, check=True)
    assert any(line.endswith(" hello 7") for line in done.stdout.splitlines())
