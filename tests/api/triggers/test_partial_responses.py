"""FunctionResponseTypes ReportBatchItemFailures with a real Python handler (aws-facts §4.5):
every success form, every malformed form (whole batch failed, functionError null in the
OnFailure record), retry from the lowest reported item, and the combination with bisect."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from controls_support import CONTROLS_HANDLER, message_bodies, put_many, sort_keys
from triggers_support import events, receive_all, wait_for

SUCCESS_FORMS = ['{"batchItemFailures": []}', '{"batchItemFailures": null}', "{}", "NONE",
                 "null", "[]"]
MALFORMED_FORMS = ['{"batchItemFailures": [{"itemIdentifier": ""}]}',
                   '{"batchItemFailures": [{"itemIdentifier": null}]}',
                   '{"batchItemFailures": [{"itemIdentifier": 123}]}',
                   '{"batchItemFailures": [{"foo": "$SEQ"}]}',
                   '{"batchItemFailures": [{"itemIdentifier": "700000000000000000001"}]}',
                   '{"batchItemFailures": "$SEQ"}']


@pytest.fixture
def queue(sqs: Any, unique: Callable[[str], str]) -> Iterator[tuple[str, str]]:
    url = sqs.create_queue(QueueName=unique("partial"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    yield url, arn
    sqs.delete_queue(QueueUrl=url)


@pytest.fixture
def setup(ddb: Any, make_function: Callable[..., str], tmp_path: Path,
          make_table: Callable[..., str]) -> tuple[str, str, str, Path]:
    """(function, table, stream ARN, events file); the table's records share one shard."""
    out = tmp_path / "events.jsonl"
    function = make_function(CONTROLS_HANDLER, env={"OUT": str(out)})
    table = make_table(range_key="sk", StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    stream_arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    return function, table, stream_arn, out


def item(sk: str, **extra: Any) -> dict[str, Any]:
    return {"pk": {"S": "p"}, "sk": {"S": sk}, **extra}


def test_every_success_form_counts_as_full_success(
        ddb: Any, setup: tuple[str, str, str, Path],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, table, stream_arn, out = setup
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, StartingPosition="LATEST",
                 FunctionResponseTypes=["ReportBatchItemFailures"], MaximumRetryAttempts=3)
    for number, form in enumerate(SUCCESS_FORMS):
        ddb.put_item(TableName=table, Item=item(f"{number:02d}", reply={"S": form}))
        wait_for(lambda n=number: len(events(out)) == n + 1)
    ddb.put_item(TableName=table, Item=item("end"))
    wait_for(lambda: len(events(out)) == len(SUCCESS_FORMS) + 1)
    assert [sort_keys(e) for e in events(out)] == \
        [[f"{n:02d}"] for n in range(len(SUCCESS_FORMS))] + [["end"]]  # none retried


def test_every_malformed_form_fails_the_batch_with_a_null_function_error(
        ddb: Any, sqs: Any, setup: tuple[str, str, str, Path], queue: tuple[str, str],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, table, stream_arn, out = setup
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, StartingPosition="LATEST",
                 FunctionResponseTypes=["ReportBatchItemFailures"], MaximumRetryAttempts=1,
                 BatchSize=1, DestinationConfig={"OnFailure": {"Destination": queue[1]}})
    forms = [*MALFORMED_FORMS, '{"batchItemFailures": [{"itemIdentifier": "$SEQ"}]}']
    for number, form in enumerate(forms):
        ddb.put_item(TableName=table, Item=item(f"{number:02d}", reply={"S": form}))
    ddb.put_item(TableName=table, Item=item("raise", poison={"BOOL": True}))
    bodies = message_bodies(receive_all(sqs, queue[0], len(forms) + 1, timeout=30))
    keys = [sort_keys(e) for e in events(out)]
    assert keys == [[f"{n:02d}"] for n in range(len(forms)) for _ in (0, 1)] + [["raise"]] * 2
    assert len(bodies) == len(forms) + 1
    errors = [b["responseContext"]["functionError"] for b in bodies]
    assert errors == [None] * len(forms) + ["Unhandled"]
    for body in bodies:
        assert body["requestContext"]["condition"] == "RetryAttemptsExhausted"
        assert body["requestContext"]["approximateInvokeCount"] == 2
        assert body["responseContext"]["statusCode"] == 200
        assert body["DDBStreamBatchInfo"]["batchSize"] == 1


def test_retry_starts_at_the_lowest_reported_item(
        ddb: Any, sqs: Any, setup: tuple[str, str, str, Path], queue: tuple[str, str],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, table, stream_arn, out = setup
    put_many(ddb, table, [item(k, **({"bad": {"BOOL": True}} if k in "bd" else {}))
                          for k in "abcde"])
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, BatchSize=10,
                 FunctionResponseTypes=["ReportBatchItemFailures"], MaximumRetryAttempts=1,
                 DestinationConfig={"OnFailure": {"Destination": queue[1]}})
    [body] = message_bodies(receive_all(sqs, queue[0], 1))
    sent = events(out)
    assert [sort_keys(e) for e in sent] == [list("abcde"), list("bcde")]
    seqs = [r["dynamodb"]["SequenceNumber"] for r in sent[0]["Records"]]
    info = body["DDBStreamBatchInfo"]  # only the records from the failed item onwards
    assert (info["startSequenceNumber"], info["endSequenceNumber"], info["batchSize"]) == \
        (seqs[1], seqs[4], 4)
    assert body["responseContext"]["functionError"] is None


def test_with_bisect_the_batch_splits_at_the_reported_item(
        ddb: Any, sqs: Any, setup: tuple[str, str, str, Path], queue: tuple[str, str],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, table, stream_arn, out = setup
    items = [item(f"{i}") for i in range(10)]
    items[6]["bad"] = {"BOOL": True}
    items[2]["poison"] = {"BOOL": True}
    put_many(ddb, table, items)
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, BatchSize=10,
                 FunctionResponseTypes=["ReportBatchItemFailures"], MaximumRetryAttempts=0,
                 BisectBatchOnFunctionError=True,
                 DestinationConfig={"OnFailure": {"Destination": queue[1]}})
    bodies = message_bodies(receive_all(sqs, queue[0], 2))
    wait_for(lambda: len(events(out)) >= 6)
    # A function error still bisects; a reported item splits the batch there.
    assert [sort_keys(e) for e in events(out)] == [
        [str(i) for i in range(10)], ["0", "1", "2", "3", "4"], ["0", "1"], ["2", "3", "4"],
        ["2"], ["3", "4"], [str(i) for i in range(5, 10)], ["6", "7", "8", "9"]]
    assert [(b["DDBStreamBatchInfo"]["batchSize"], b["responseContext"]["functionError"])
            for b in bodies] == [(1, "Unhandled"), (4, None)]
