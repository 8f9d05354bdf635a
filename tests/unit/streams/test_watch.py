"""`headwater stream`'s shard walk (src/headwater/streams/watch.py) against a fake Streams
client: lineage order, --from latest, following new shards, resuming after an expired
iterator, and the 5 GetRecords calls per second per shard."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from headwater.streams.watch import SHARD_CALL_SECONDS, THROTTLED_SECONDS, Watcher

ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x"


class FakeStreams:
    """Shards as lists of sequence numbers; an iterator is "shard:index"."""

    def __init__(self) -> None:
        self.shards: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[float, str]] = []
        self.expire_next = False
        self.time = 0.0

    def add(self, shard_id: str, seqs: list[int], closed: bool = False,
            parent: str | None = None) -> None:
        self.shards[shard_id] = {"seqs": seqs, "closed": closed, "parent": parent}

    def describe_stream(self, StreamArn: str, **kwargs: Any) -> dict[str, Any]:
        listed = []
        for shard_id, shard in sorted(self.shards.items()):
            numbers = {"StartingSequenceNumber": "1"}
            if shard["closed"]:
                numbers["EndingSequenceNumber"] = "9"
            entry: dict[str, Any] = {"ShardId": shard_id, "SequenceNumberRange": numbers}
            if shard["parent"]:
                entry["ParentShardId"] = shard["parent"]
            listed.append(entry)
        return {"StreamDescription": {"Shards": listed, "StreamStatus": "ENABLED"}}

    def get_shard_iterator(self, StreamArn: str, ShardId: str, ShardIteratorType: str,
                           SequenceNumber: str | None = None) -> dict[str, Any]:
        seqs = self.shards[ShardId]["seqs"]
        start = {"TRIM_HORIZON": 0, "LATEST": len(seqs)}.get(ShardIteratorType)
        if ShardIteratorType == "AFTER_SEQUENCE_NUMBER":
            start = seqs.index(int(SequenceNumber or 0)) + 1
        return {"ShardIterator": f"{ShardId}:{start}"}

    def get_records(self, ShardIterator: str) -> dict[str, Any]:
        shard_id, index = ShardIterator.rsplit(":", 1)
        self.calls.append((self.time, shard_id))
        if self.expire_next:
            self.expire_next = False
            raise ClientError({"Error": {"Code": "ExpiredIteratorException"}}, "GetRecords")
        shard = self.shards[shard_id]
        records = [{"dynamodb": {"SequenceNumber": str(s)}} for s in shard["seqs"][int(index):]]
        page: dict[str, Any] = {"Records": records}
        if not shard["closed"]:
            page["NextShardIterator"] = f"{shard_id}:{len(shard['seqs'])}"
        return page


def watch(fake: FakeStreams, start: str = "trim-horizon", follow: bool = False,
          on_sleep: Any = None) -> list[tuple[str, int]]:
    seen: list[tuple[str, int]] = []

    def sleep(seconds: float) -> None:
        fake.time += seconds
        if on_sleep is not None:
            on_sleep(fake.time)

    def emit(record: dict[str, Any], shard_id: str) -> None:
        seen.append((shard_id, int(record["dynamodb"]["SequenceNumber"])))

    try:
        Watcher(fake, ARN, start, follow, emit, lambda message: None, sleep,
                lambda: fake.time).run()
    except KeyboardInterrupt:  # how the follow tests stop it, as Ctrl-C would
        assert follow
    return seen


def test_parents_are_read_before_children() -> None:
    fake = FakeStreams()
    fake.add("a-child", [5, 6], parent="z-parent")
    fake.add("z-parent", [1, 2], closed=True)
    fake.add("b-other", [3])
    assert watch(fake) == [("b-other", 3), ("z-parent", 1), ("z-parent", 2),
                           ("a-child", 5), ("a-child", 6)]


def test_latest_skips_what_is_there() -> None:
    fake = FakeStreams()
    fake.add("old", [1], closed=True)
    fake.add("open", [2, 3])
    assert watch(fake, start="latest") == []


def test_follow_picks_up_new_records_and_new_shards() -> None:
    fake = FakeStreams()
    fake.add("s1", [1])

    def writes(now: float) -> None:
        if now > 0.5 and not fake.shards["s1"]["closed"]:
            fake.shards["s1"].update(seqs=[1, 2], closed=True)
            fake.add("s2", [3], parent="s1")  # the rollover's child
        if now > 3:
            raise KeyboardInterrupt

    # --from latest skips record 1; 2 arrives on the open shard, 3 on its child.
    assert watch(fake, start="latest", follow=True, on_sleep=writes) == [("s1", 2), ("s2", 3)]


def test_each_shard_is_read_at_most_five_times_a_second() -> None:
    fake = FakeStreams()
    fake.add("s1", [])
    fake.add("s2", [])

    def stop(now: float) -> None:
        if now > 2:
            raise KeyboardInterrupt

    watch(fake, follow=True, on_sleep=stop)
    for shard_id in ("s1", "s2"):
        times = [t for t, s in fake.calls if s == shard_id]
        assert len(times) >= 9
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert min(gaps) >= SHARD_CALL_SECONDS - 1e-9


def test_an_expired_iterator_resumes_after_the_last_record() -> None:
    fake = FakeStreams()
    fake.add("s1", [1])

    def writes(now: float) -> None:
        if 0.3 < now < 0.5:
            fake.shards["s1"]["seqs"].append(2)
            fake.expire_next = True
        if now > 2:
            raise KeyboardInterrupt

    assert watch(fake, follow=True, on_sleep=writes) == [("s1", 1), ("s1", 2)]


def test_a_throttled_shard_waits_and_resumes() -> None:
    fake = FakeStreams()
    fake.add("s1", [1, 2], closed=True)
    throttled = {"left": 1}
    real_get_records = fake.get_records

    def get_records(ShardIterator: str) -> dict[str, Any]:
        if throttled["left"]:
            throttled["left"] -= 1
            fake.calls.append((fake.time, "s1"))
            raise ClientError({"Error": {"Code": "LimitExceededException"}}, "GetRecords")
        return real_get_records(ShardIterator)

    fake.get_records = get_records  # type: ignore[method-assign]
    assert watch(fake) == [("s1", 1), ("s1", 2)]
    times = [t for t, _ in fake.calls]
    assert times[1] - times[0] >= THROTTLED_SECONDS
