"""The event a mapping sends its function (aws-facts §4.2): `{"Records": [...]}` where each
record is the GetRecords wire record plus `eventSourceARN`, ApproximateCreationDateTime a
float, and TTL deletes' `userIdentity` with lowercase keys. Batches stop at the 6 MB
synchronous payload limit (aws-facts §4.1, §5.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from headwater.triggers.stream_source import SourceRecord

MAX_PAYLOAD = 6 * 1024 * 1024
_ENVELOPE = len(b'{"Records":[]}')
_IDENTITY = b'"userIdentity"'


@dataclass(slots=True)
class Batch:
    shard_id: str
    records: list[SourceRecord]
    events: list[bytes]  # each record as sent, in order

    @property
    def first_seq(self) -> int:
        return self.records[0].seq

    @property
    def last_seq(self) -> int:
        return self.records[-1].seq

    @property
    def seqs(self) -> list[int]:
        return [r.seq for r in self.records]

    def payload(self, extra: bytes = b"") -> bytes:
        """The event; `extra` is a JSON fragment of more members (tumbling windows)."""
        return b'{"Records":[' + b",".join(self.events) + b"]" + extra + b"}"

    def drop_first(self, count: int) -> Batch:
        return Batch(self.shard_id, self.records[count:], self.events[count:])

    def take_first(self, count: int) -> Batch:
        return Batch(self.shard_id, self.records[:count], self.events[:count])


def event_record(blob: bytes, source_arn_json: bytes) -> bytes:
    """One wire record as the function receives it."""
    if _IDENTITY in blob:
        return _rebuilt(orjson.loads(blob), source_arn_json)
    # Fast path: the wire record is a JSON object; append the ARN as its last member.
    return blob[:-1] + b',"eventSourceARN":' + source_arn_json + b"}"


def _rebuilt(record: dict[str, Any], source_arn_json: bytes) -> bytes:
    identity = record.pop("userIdentity", None)
    body = record.get("dynamodb", {})
    if "ApproximateCreationDateTime" in body:
        body["ApproximateCreationDateTime"] = float(body["ApproximateCreationDateTime"])
    if isinstance(identity, dict):
        record["userIdentity"] = {k[:1].lower() + k[1:]: v for k, v in identity.items()}
    record["eventSourceARN"] = orjson.loads(source_arn_json)
    return orjson.dumps(record)


def build_batch(shard_id: str, source_arn: str, records: list[SourceRecord],
                limit: int) -> Batch:
    """The first records (at most `limit`) whose event fits in the 6 MB payload."""
    arn_json = orjson.dumps(source_arn)
    taken: list[SourceRecord] = []
    events: list[bytes] = []
    size = _ENVELOPE
    for record in records[:limit]:
        event = event_record(record.blob, arn_json)
        grown = size + len(event) + (1 if events else 0)
        if events and grown > MAX_PAYLOAD:
            break
        taken.append(record)
        events.append(event)
        size = grown
    return Batch(shard_id, taken, events)


def split_batches(shard_id: str, records: list[SourceRecord], events: list[bytes],
                  limit: int) -> list[Batch]:
    """Consecutive batches of at most `limit` records, each within the 6 MB payload."""
    batches: list[Batch] = []
    start = 0
    while start < len(records):
        size, end = _ENVELOPE, start
        while end < len(records) and end - start < limit:
            grown = size + len(events[end]) + (1 if end > start else 0)
            if end > start and grown > MAX_PAYLOAD:
                break
            size, end = grown, end + 1
        batches.append(Batch(shard_id, records[start:end], events[start:end]))
        start = end
    return batches


def payload_size(records: list[SourceRecord]) -> int:
    """An upper bound on the event size of `records` (used to flush a window early)."""
    return _ENVELOPE + sum(len(r.blob) + 200 for r in records)
