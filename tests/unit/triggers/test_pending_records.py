"""lanes.Pending, the read records a shard has not routed to a lane yet: a batch in shard order
is the oldest records up to BatchSize whose events fit the payload budget (the first always),
whatever the sequence of reads and batches and however often the lists were compacted."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from headwater.triggers import lanes
from headwater.triggers.lanes import Pending
from headwater.triggers.stream_source import SourceRecord

OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("add"), st.lists(st.integers(0, 40), max_size=30)),
    st.tuples(st.just("take"), st.integers(1, 12), st.integers(0, 200), st.booleans())),
    max_size=60)


class Compacting(Pending):
    COMPACT = 3  # drop the taken head often


@settings(max_examples=300, deadline=None)
@given(OPERATIONS, st.sampled_from([Pending, Compacting]))
def test_batches_match_a_list_taken_from_the_front(operations: list[tuple[Any, ...]],
                                                   kind: type[Pending]) -> None:
    pending = kind()
    model: list[tuple[SourceRecord, bytes]] = []
    seq = 0
    for operation in operations:
        if operation[0] == "add":
            records, events = [], []
            for length in operation[1]:
                seq += 1
                records.append(SourceRecord(seq, 0.0, b""))
                events.append(b"x" * length)
            pending.add(records, events, [None] * len(records))
            model += zip(records, events, strict=True)
        else:
            _, room, budget, first = operation
            expected: list[tuple[SourceRecord, bytes]] = []
            size = 0
            for record, event in model[:room]:
                if size + len(event) + 1 > budget and not (first and not expected):
                    break
                expected.append((record, event))
                size += len(event) + 1
            del model[:len(expected)]
            records, events, taken_size = pending.take(room, budget, first)
            assert list(zip(records, events, strict=True)) == expected
            assert taken_size == size
        assert len(pending) == len(model)
        assert pending.size() == sum(len(event) + 1 for _, event in model)
    drained = [(record, event) for record, event, _ in pending.drain()]
    assert drained == model
    assert len(pending) == 0 and pending.size() == 0


def test_taking_far_enough_compacts_the_lists() -> None:
    pending = Pending()
    records = [SourceRecord(seq, 0.0, b"") for seq in range(10_000)]
    pending.add(records, [b"e"] * len(records), [None] * len(records))
    taken: list[SourceRecord] = []
    while len(pending):
        batch, _, _ = pending.take(100, lanes.MAX_PAYLOAD, True)
        taken += batch
    assert taken == records
    assert len(pending.records) < 10_000  # the taken head was dropped on the way
