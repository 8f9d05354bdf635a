"""The function event built from stored wire records (aws-facts §4.2) and the 6 MB cut."""

from __future__ import annotations

import orjson

from headwater.streams.records import build_record
from headwater.triggers.events import MAX_PAYLOAD, build_batch, event_record
from headwater.triggers.stream_source import SourceRecord

ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/T/stream/2025-01-01T00:00:00.000"


def _blob(ttl: bool = False, size: int = 0) -> bytes:
    item = {"pk": {"S": "k"}, "pad": {"S": "x" * size}}
    record = build_record(name="REMOVE" if ttl else "INSERT", region="us-east-1",
                          view_type="NEW_AND_OLD_IMAGES", keys={"pk": {"S": "k"}},
                          old=item if ttl else None, new=None if ttl else item,
                          created=1700000000.7, sequence="100000000000000000001",
                          ttl_delete=ttl)
    return orjson.dumps(record)


def test_event_adds_the_arn_last_and_keeps_a_float_time() -> None:
    event = orjson.loads(event_record(_blob(), orjson.dumps(ARN)))
    assert list(event) == ["eventID", "eventName", "eventVersion", "eventSource", "awsRegion",
                           "dynamodb", "eventSourceARN"]
    assert event["eventSourceARN"] == ARN
    assert event["dynamodb"]["ApproximateCreationDateTime"] == 1700000000.0
    assert isinstance(event["dynamodb"]["ApproximateCreationDateTime"], float)


def test_ttl_identity_has_lowercase_keys() -> None:
    event = orjson.loads(event_record(_blob(ttl=True), orjson.dumps(ARN)))
    assert event["userIdentity"] == {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    assert event["eventSourceARN"] == ARN


def test_an_attribute_named_user_identity_is_not_mistaken_for_ttl() -> None:
    record = orjson.loads(_blob())
    record["dynamodb"]["NewImage"]["userIdentity"] = {"S": "me"}
    event = orjson.loads(event_record(orjson.dumps(record), orjson.dumps(ARN)))
    assert "userIdentity" not in event
    assert event["dynamodb"]["NewImage"]["userIdentity"] == {"S": "me"}


def test_batch_is_cut_at_batch_size_and_at_6_mb() -> None:
    small = [SourceRecord(n, 0.0, _blob()) for n in range(10)]
    assert len(build_batch("s", ARN, small, 4).records) == 4
    big = [SourceRecord(n, 0.0, _blob(size=400_000)) for n in range(30)]
    batch = build_batch("s", ARN, big, 1000)
    assert 0 < len(batch.records) < 30
    assert len(batch.payload()) <= MAX_PAYLOAD
    grown = build_batch("s", ARN, big, len(batch.records) + 1)
    assert len(grown.payload()) <= MAX_PAYLOAD
    assert len(orjson.loads(batch.payload())["Records"]) == len(batch.records)
