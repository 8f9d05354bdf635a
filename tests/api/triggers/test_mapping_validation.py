"""Every CreateEventSourceMapping / UpdateEventSourceMapping error in aws-facts §3.4, with its
HTTP status, code and exact message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from triggers_support import error_of

MISSING_STREAM = ("arn:aws:dynamodb:us-east-1:000000000000:table/nope/stream/"
                  "2025-01-01T00:00:00.000")


@pytest.fixture
def target(recording: Callable[[], tuple[str, Any]],
           stream_table: Callable[..., tuple[str, str]]) -> tuple[str, str]:
    function, _ = recording()
    _, stream_arn = stream_table()
    return function, stream_arn


def test_missing_event_source_arn(lam: Any, target: tuple[str, str]) -> None:
    assert error_of(lambda: lam.create_event_source_mapping(
        FunctionName=target[0], StartingPosition="LATEST")) == (
        400, "InvalidParameterValueException", "Unrecognized event source.")


def test_missing_function(lam: Any, target: tuple[str, str]) -> None:
    assert error_of(lambda: lam.create_event_source_mapping(
        FunctionName="no-such-function", EventSourceArn=target[1],
        StartingPosition="LATEST")) == (
        400, "InvalidParameterValueException", "Function does not exist")


def test_missing_stream(lam: Any, target: tuple[str, str]) -> None:
    assert error_of(lambda: lam.create_event_source_mapping(
        FunctionName=target[0], EventSourceArn=MISSING_STREAM, StartingPosition="LATEST")) == (
        400, "InvalidParameterValueException", f"Stream not found: {MISSING_STREAM}")


def test_missing_starting_position(lam: Any, target: tuple[str, str]) -> None:
    assert error_of(lambda: lam.create_event_source_mapping(
        FunctionName=target[0], EventSourceArn=target[1])) == (
        400, "InvalidParameterValueException",
        "1 validation error detected: Value null at 'startingPosition' failed to satisfy "
        "constraint: Member must not be null.")


def test_starting_position_not_in_enum(lam: Any, target: tuple[str, str]) -> None:
    got = error_of(lambda: lam.create_event_source_mapping(
        FunctionName=target[0], EventSourceArn=target[1], StartingPosition="invalid"))
    assert got == (400, "ValidationException",
                   "1 validation error detected: Value 'invalid' at 'startingPosition' failed to "
                   "satisfy constraint: Member must satisfy enum value set: "
                   "[LATEST, AT_TIMESTAMP, TRIM_HORIZON]")


def test_at_timestamp_is_not_for_dynamodb(lam: Any, target: tuple[str, str]) -> None:
    assert error_of(lambda: lam.create_event_source_mapping(
        FunctionName=target[0], EventSourceArn=target[1], StartingPosition="AT_TIMESTAMP",
        StartingPositionTimestamp=1700000000)) == (
        400, "InvalidParameterValueException",
        f"Unsupported starting position for arn type: {target[1]}")


def test_on_success_destination_rejected(lam: Any, target: tuple[str, str]) -> None:
    destination = "arn:aws:sqs:us-east-1:000000000000:q"
    assert error_of(lambda: lam.create_event_source_mapping(
        FunctionName=target[0], EventSourceArn=target[1], StartingPosition="LATEST",
        DestinationConfig={"OnSuccess": {"Destination": destination}})) == (
        400, "InvalidParameterValueException",
        "Unsupported DestinationConfig parameter for given event source mapping type.")


@pytest.mark.parametrize("destination", [
    "arn:aws:events:us-east-1:000000000000:event-bus/default",
    "arn:aws:s3:::failures/with/a/key",
])
def test_other_failure_destinations_are_refused_not_dropped(
        lam: Any, target: tuple[str, str], destination: str) -> None:
    assert error_of(lambda: lam.create_event_source_mapping(
        FunctionName=target[0], EventSourceArn=target[1], StartingPosition="LATEST",
        DestinationConfig={"OnFailure": {"Destination": destination}})) == (
        400, "InvalidParameterValueException",
        "Headwater supports SQS queues, SNS topics and S3 buckets as OnFailure destinations, "
        f"not {destination}")


@pytest.mark.parametrize("age", [0, 1, 59])
def test_record_age_between_zero_and_59(lam: Any, target: tuple[str, str], age: int) -> None:
    assert error_of(lambda: lam.create_event_source_mapping(
        FunctionName=target[0], EventSourceArn=target[1], StartingPosition="LATEST",
        MaximumRecordAgeInSeconds=age)) == (
        400, "InvalidParameterValueException",
        "MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 "
        "(inclusive)")


@pytest.mark.parametrize("member,value,path,limit", [
    ("BatchSize", 10001, "batchSize", 10000),
    ("MaximumBatchingWindowInSeconds", 301, "maximumBatchingWindowInSeconds", 300),
    ("ParallelizationFactor", 11, "parallelizationFactor", 10),
    ("TumblingWindowInSeconds", 901, "tumblingWindowInSeconds", 900),
    ("MaximumRecordAgeInSeconds", 604801, "maximumRecordAgeInSeconds", 604800),
    ("MaximumRetryAttempts", 10001, "maximumRetryAttempts", 10000),
])
def test_values_over_the_model_maximum(lam: Any, target: tuple[str, str], member: str,
                                       value: int, path: str, limit: int) -> None:
    assert error_of(lambda: lam.create_event_source_mapping(
        FunctionName=target[0], EventSourceArn=target[1], StartingPosition="LATEST",
        **{member: value})) == (
        400, "ValidationException",
        f"1 validation error detected: Value '{value}' at '{path}' failed to satisfy "
        f"constraint: Member must have value less than or equal to {limit}")


BAD_PATTERNS = ["not json", "[1, 2]", '"text"', '{"eventName": "INSERT"}', '{"a": []}',
                '{"a": [{"prefix": 1}]}', '{"a": [{"numeric": [">", "x"]}]}',
                '{"a": [{"exists": "yes"}]}', '{"a": [{"nope": 1}]}', '{"$or": [{"a": [1]}]}',
                '{"a": [{"anything-but": []}]}']


@pytest.mark.parametrize("pattern", BAD_PATTERNS)
def test_bad_filter_pattern(lam: Any, target: tuple[str, str], pattern: str) -> None:
    assert error_of(lambda: lam.create_event_source_mapping(
        FunctionName=target[0], EventSourceArn=target[1], StartingPosition="LATEST",
        FilterCriteria={"Filters": [{"Pattern": pattern}]})) == (
        400, "InvalidParameterValueException", "Invalid filter pattern definition.")


def test_update_checks_filter_patterns(lam: Any, target: tuple[str, str],
                                       make_mapping: Callable[..., dict[str, Any]]) -> None:
    uuid = make_mapping(FunctionName=target[0], EventSourceArn=target[1])["UUID"]
    for pattern in BAD_PATTERNS[3:]:
        assert error_of(lambda p=pattern: lam.update_event_source_mapping(
            UUID=uuid, FilterCriteria={"Filters": [{"Pattern": '{"ok": ["x"]}'},
                                                   {"Pattern": p}]})) == (
            400, "InvalidParameterValueException", "Invalid filter pattern definition.")


def test_duplicate_mapping(lam: Any, target: tuple[str, str],
                           make_mapping: Callable[..., dict[str, Any]]) -> None:
    first = make_mapping(FunctionName=target[0], EventSourceArn=target[1])
    assert error_of(lambda: lam.create_event_source_mapping(
        FunctionName=target[0], EventSourceArn=target[1], StartingPosition="LATEST")) == (
        409, "ResourceConflictException",
        f'The event source arn (" {target[1]} ") and function (" {target[0]} ") provided '
        "mapping already exists. Please update or delete the existing mapping with UUID "
        f"{first['UUID']}")


@pytest.mark.parametrize("call", ["get", "update", "delete"])
def test_unknown_uuid(lam: Any, call: str) -> None:
    uuid = "6f8e3b1c-0000-4000-8000-000000000000"
    operation = getattr(lam, f"{call}_event_source_mapping")
    assert error_of(lambda: operation(UUID=uuid)) == (
        404, "ResourceNotFoundException", "The resource you requested does not exist.")


def test_update_checks(lam: Any, target: tuple[str, str],
                       make_mapping: Callable[..., dict[str, Any]]) -> None:
    uuid = make_mapping(FunctionName=target[0], EventSourceArn=target[1])["UUID"]
    assert error_of(lambda: lam.update_event_source_mapping(
        UUID=uuid, MaximumRecordAgeInSeconds=30))[1:] == (
        "InvalidParameterValueException",
        "MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 "
        "(inclusive)")
    assert error_of(lambda: lam.update_event_source_mapping(
        UUID=uuid, DestinationConfig={"OnSuccess": {"Destination": "arn:aws:sqs:us-east-1:"
                                                                   "000000000000:q"}}))[2] == (
        "Unsupported DestinationConfig parameter for given event source mapping type.")
    assert error_of(lambda: lam.update_event_source_mapping(
        UUID=uuid, FunctionName="no-such-function")) == (
        400, "InvalidParameterValueException", "Function does not exist")

