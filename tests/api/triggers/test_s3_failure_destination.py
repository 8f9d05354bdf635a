"""An S3 bucket as an event source mapping's OnFailure destination (AWS since 2024; aws-facts
§4.4 "S3 destination"): the invocation record, plus the invocation's event as `payload`, is an
object under aws/lambda/<ESM UUID>/<shard id>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<UUID>."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
from server_support import client
from test_failures import check_retries_exhausted, failing
from triggers_support import keys_of, records, wait_for

KEY = re.compile(r"aws/lambda/(?P<uuid>[0-9a-f-]{36})/(?P<shard>shardId-[^/]+)/"
                 r"(?P<day>\d{4}/\d\d/\d\d)/(?P<stamp>\d{4}-\d\d-\d\dT\d\d\.\d\d\.\d\d)-"
                 r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def bucket(endpoint: str, unique: Callable[[str], str]) -> Iterator[tuple[Any, str]]:
    s3 = client("s3", endpoint)
    name = unique("failures")
    s3.create_bucket(Bucket=name)
    yield s3, name
    with suppress(Exception):
        for item in s3.list_objects_v2(Bucket=name).get("Contents", []):
            s3.delete_object(Bucket=name, Key=item["Key"])
        s3.delete_bucket(Bucket=name)


def test_retries_exhausted_write_the_record_to_s3(
        ddb: Any, bucket: tuple[Any, str], recording: Callable[[], tuple[str, Path]],
        stream_table: Callable[..., tuple[str, str]],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    s3, name = bucket
    function, out = recording()
    table, stream_arn = stream_table()
    failing(out)
    mapping = make_mapping(FunctionName=function, EventSourceArn=stream_arn,
                           MaximumRetryAttempts=1,
                           DestinationConfig={"OnFailure": {"Destination":
                                                            f"arn:aws:s3:::{name}"}})
    assert mapping["DestinationConfig"] == {"OnFailure": {"Destination": f"arn:aws:s3:::{name}"}}
    ddb.put_item(TableName=table, Item={"pk": {"S": "poison"}})
    wait_for(lambda: s3.list_objects_v2(Bucket=name)["KeyCount"] == 1)
    assert keys_of(out) == ["poison"] * 2
    [item] = s3.list_objects_v2(Bucket=name)["Contents"]
    found = KEY.fullmatch(item["Key"])
    assert found is not None, item["Key"]
    assert found["uuid"] == mapping["UUID"]
    stored = s3.get_object(Bucket=name, Key=item["Key"])
    assert stored["ContentType"] == "application/json"
    body = json.loads(stored["Body"].read())
    assert list(body)[-1] == "payload"
    payload = body.pop("payload")
    check_retries_exhausted(body, function, stream_arn, invocations=2)
    assert found["shard"] == body["DDBStreamBatchInfo"]["shardId"]
    assert found["stamp"][:10] == body["timestamp"][:10]
    assert found["day"] == body["timestamp"][:10].replace("-", "/")
    # The payload is the event the function was invoked with.
    assert payload == {"Records": records(out)[:1]}


def test_a_missing_bucket_loses_the_record_but_the_shard_goes_on(
        ddb: Any, unique: Callable[[str], str], recording: Callable[[], tuple[str, Path]],
        stream_table: Callable[..., tuple[str, str]],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, out = recording()
    table, stream_arn = stream_table()
    failing(out)
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, MaximumRetryAttempts=0,
                 DestinationConfig={"OnFailure": {"Destination":
                                                  f"arn:aws:s3:::{unique('gone')}"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}})
    wait_for(lambda: keys_of(out) == ["a"])
    ddb.put_item(TableName=table, Item={"pk": {"S": "b"}})
    wait_for(lambda: keys_of(out) == ["a", "b"])
