"""Helpers for stream trigger tests: zipped handlers, waiting, reading what a handler wrote and
what a destination queue received. (Clients and servers come from tests/server_support.py.)"""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import server_support

ROLE = "arn:aws:iam::000000000000:role/lambda-ddb"
# Server options for handlers that write to the test's files (run as root, workers are
# isolated from the host's files otherwise).
HOST_FILES = ("--worker-isolation", "off")

# Appends each event to $OUT as one JSON line; fails while $OUT.fail exists.
RECORDING_HANDLER = '''
import json, os

def handler(event, context):
    with open(os.environ["OUT"], "a") as out:
        out.write(json.dumps(event) + "\\n")
    if os.path.exists(os.environ["OUT"] + ".fail"):
        raise RuntimeError("failing on purpose")
    return {}
'''


def zip_source(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", source)
    return buffer.getvalue()


def wait_for(predicate: Callable[[], Any], timeout: float = 15.0, interval: float = 0.02) -> Any:
    """server_support.wait_for with the longer wait a trigger's delivery takes."""
    return server_support.wait_for(predicate, timeout, interval)


def events(out: Path) -> list[dict[str, Any]]:
    if not out.exists():
        return []
    complete = out.read_text().split("\n")[:-1]  # a last line without newline is still being written
    return [json.loads(line) for line in complete if line.strip()]


def records(out: Path) -> list[dict[str, Any]]:
    return [r for event in events(out) for r in event["Records"]]


def keys_of(out: Path) -> list[str]:
    return [r["dynamodb"]["Keys"]["pk"]["S"] for r in records(out)]


def error_of(call: Callable[[], Any]) -> tuple[int, str, str]:
    try:
        call()
    except Exception as error:  # botocore ClientError
        response = error.response  # type: ignore[attr-defined]
        return (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"],
                response["Error"]["Message"])
    raise AssertionError("no error raised")


def receive_all(sqs: Any, queue_url: str, count: int, timeout: float = 15.0
                ) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                     WaitTimeSeconds=1)
        for message in answer.get("Messages", []):
            got.append(message)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return got


def settle(lam: Any, uuid: str) -> dict[str, Any]:
    """Wait until the mapping leaves its transitional state; returns it."""
    return wait_for(lambda: (m := lam.get_event_source_mapping(UUID=uuid))["State"] in  # type: ignore[no-any-return]
                    ("Enabled", "Disabled") and m)
