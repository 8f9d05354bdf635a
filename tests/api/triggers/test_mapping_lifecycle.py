"""The mapping API's shapes and state machine (aws-facts §3.1-3.3): AWS's defaults, 202s,
Creating -> Enabled, Disabling -> Disabled, Updating, Deleting -> 404, LastProcessingResult,
List filters and paging, and parameters stored and echoed exactly."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from triggers_support import error_of, records, settle, wait_for

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SLOW_HANDLER = '''
import json, os, time

def handler(event, context):
    with open(os.environ["OUT"], "a") as out:
        out.write(json.dumps(event) + "\\n")
    time.sleep(2)
'''


@pytest.fixture
def target(recording: Callable[[], tuple[str, Any]],
           stream_table: Callable[..., tuple[str, str]]) -> tuple[str, str, str]:
    function, _ = recording()
    table, stream_arn = stream_table()
    return function, stream_arn, table


def test_create_returns_202_with_aws_defaults(lam: Any, target: tuple[str, str, str],
                                              make_mapping: Callable[..., dict[str, Any]]
                                              ) -> None:
    function, stream_arn, _ = target
    created = make_mapping(wait=False, FunctionName=function, EventSourceArn=stream_arn)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    body = {k: v for k, v in created.items() if k != "ResponseMetadata"}
    uuid = body.pop("UUID")
    assert UUID.fullmatch(uuid)
    last_modified = body.pop("LastModified")
    assert last_modified.year >= 2024
    assert body == {
        "BatchSize": 100,
        "BisectBatchOnFunctionError": False,
        "DestinationConfig": {"OnFailure": {}},
        "EventSourceArn": stream_arn,
        "EventSourceMappingArn":
            f"arn:aws:lambda:us-east-1:000000000000:event-source-mapping:{uuid}",
        "FunctionArn": f"arn:aws:lambda:us-east-1:000000000000:function:{function}",
        "FunctionResponseTypes": [],
        "LastProcessingResult": "No records processed",
        "MaximumBatchingWindowInSeconds": 0,
        "MaximumRecordAgeInSeconds": -1,
        "MaximumRetryAttempts": -1,
        "ParallelizationFactor": 1,
        "StartingPosition": "TRIM_HORIZON",
        "State": "Creating",
        "StateTransitionReason": "User action",
        "TumblingWindowInSeconds": 0,
    }
    assert settle(lam, uuid)["State"] == "Enabled"


def test_next_issue_parameters_are_stored_and_echoed(
        lam: Any, target: tuple[str, str, str],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, stream_arn, _ = target
    settings = {
        "BatchSize": 7, "MaximumBatchingWindowInSeconds": 3, "ParallelizationFactor": 4,
        "BisectBatchOnFunctionError": True, "MaximumRetryAttempts": 5,
        "MaximumRecordAgeInSeconds": 3600, "TumblingWindowInSeconds": 60,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "FilterCriteria": {"Filters": [{"Pattern": '{"eventName": ["INSERT"]}'}]},
        "MetricsConfig": {"Metrics": ["EventCount"]},
        "DestinationConfig": {"OnFailure": {"Destination":
                                            "arn:aws:sqs:us-east-1:000000000000:dlq"}},
    }
    created = make_mapping(FunctionName=function, EventSourceArn=stream_arn, **settings)
    got = lam.get_event_source_mapping(UUID=created["UUID"])
    for name, value in settings.items():
        assert created[name] == value, name
        assert got[name] == value, name


def test_update_disable_enable_and_delete(lam: Any, target: tuple[str, str, str],
                                         make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, stream_arn, _ = target
    uuid = make_mapping(FunctionName=function, EventSourceArn=stream_arn)["UUID"]
    updated = lam.update_event_source_mapping(UUID=uuid, BatchSize=10)
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (updated["State"], updated["BatchSize"]) == ("Updating", 10)
    assert settle(lam, uuid)["State"] == "Enabled"
    disabling = lam.update_event_source_mapping(UUID=uuid, Enabled=False)
    assert disabling["State"] == "Disabling"
    assert settle(lam, uuid)["State"] == "Disabled"
    enabling = lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    assert enabling["State"] == "Enabling"
    assert settle(lam, uuid)["State"] == "Enabled"
    deleted = lam.delete_event_source_mapping(UUID=uuid)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert deleted["State"] == "Deleting"
    wait_for(lambda: _gone(lam, uuid))


def _gone(lam: Any, uuid: str) -> bool:
    """True once GetEventSourceMapping answers 404; False while the mapping is still Deleting."""
    try:
        lam.get_event_source_mapping(UUID=uuid)
    except lam.exceptions.ResourceNotFoundException:
        return True
    return False


def test_created_disabled_settles_disabled(lam: Any, target: tuple[str, str, str],
                                           make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, stream_arn, _ = target
    created = make_mapping(wait=False, FunctionName=function, EventSourceArn=stream_arn,
                           Enabled=False)
    assert created["State"] == "Creating"
    assert settle(lam, created["UUID"])["State"] == "Disabled"


def test_update_while_updating_is_in_use(lam: Any, ddb: Any, tmp_path: Any,
                                         make_function: Callable[..., str],
                                         stream_table: Callable[..., tuple[str, str]],
                                         make_mapping: Callable[..., dict[str, Any]]) -> None:
    out = tmp_path / "slow.jsonl"
    function = make_function(SLOW_HANDLER, env={"OUT": str(out)})
    table, stream_arn = stream_table()
    uuid = make_mapping(FunctionName=function, EventSourceArn=stream_arn)["UUID"]
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}})
    wait_for(lambda: records(out))  # a batch is in flight for 2 s
    assert lam.update_event_source_mapping(UUID=uuid, BatchSize=5)["State"] == "Updating"
    status, code, message = error_of(
        lambda: lam.update_event_source_mapping(UUID=uuid, BatchSize=6))
    assert (status, code) == (400, "ResourceInUseException")
    assert "Updating" in message
    assert settle(lam, uuid)["BatchSize"] == 5


def test_last_processing_result(lam: Any, ddb: Any, recording: Callable[[], tuple[str, Any]],
                                stream_table: Callable[..., tuple[str, str]],
                                make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, out = recording()
    table, stream_arn = stream_table()
    uuid = make_mapping(FunctionName=function, EventSourceArn=stream_arn)["UUID"]
    assert lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] == \
        "No records processed"
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}})
    wait_for(lambda: lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] == "OK")
    (out.parent / (out.name + ".fail")).write_text("")
    ddb.put_item(TableName=table, Item={"pk": {"S": "b"}})
    wait_for(lambda: lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] ==
             "PROBLEM: Function call failed")
    assert records(out)


def test_deleting_the_function_leaves_the_mapping_enabled(
        lam: Any, target: tuple[str, str, str],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, stream_arn, _ = target
    uuid = make_mapping(FunctionName=function, EventSourceArn=stream_arn)["UUID"]
    lam.delete_function(FunctionName=function)
    assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"


def test_list_filters_and_pages(lam: Any, make_function: Callable[..., str],
                                stream_table: Callable[..., tuple[str, str]],
                                make_mapping: Callable[..., dict[str, Any]]) -> None:
    function = make_function()
    arns = [stream_table()[1] for _ in range(3)]
    uuids = {make_mapping(wait=False, FunctionName=function, EventSourceArn=arn)["UUID"]
             for arn in arns}
    by_function = lam.list_event_source_mappings(FunctionName=function)
    assert {m["UUID"] for m in by_function["EventSourceMappings"]} == uuids
    by_arn = lam.list_event_source_mappings(EventSourceArn=arns[1])["EventSourceMappings"]
    assert len(by_arn) == 1 and by_arn[0]["EventSourceArn"] == arns[1]
    first = lam.list_event_source_mappings(FunctionName=function, MaxItems=2)
    assert len(first["EventSourceMappings"]) == 2 and "NextMarker" in first
    rest = lam.list_event_source_mappings(FunctionName=function, Marker=first["NextMarker"])
    assert len(rest["EventSourceMappings"]) == 1 and "NextMarker" not in rest
    paged = lam.get_paginator("list_event_source_mappings").paginate(
        FunctionName=function, PaginationConfig={"PageSize": 1})
    assert {m["UUID"] for page in paged for m in page["EventSourceMappings"]} == uuids
    assert lam.list_event_source_mappings(FunctionName="nobody")["EventSourceMappings"] == []
    assert lam.list_event_source_mappings(
        EventSourceArn=arns[0] + "x")["EventSourceMappings"] == []


def test_list_pages_hold_at_most_100(lam: Any, make_function: Callable[..., str],
                                     stream_table: Callable[..., tuple[str, str]],
                                     make_mapping: Callable[..., dict[str, Any]]) -> None:
    _, arn = stream_table()
    for _ in range(101):
        make_mapping(wait=False, FunctionName=make_function(), EventSourceArn=arn)
    page = lam.list_event_source_mappings(EventSourceArn=arn, MaxItems=1000)
    assert len(page["EventSourceMappings"]) == 100 and "NextMarker" in page
