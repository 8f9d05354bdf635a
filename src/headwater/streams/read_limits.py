"""AWS's read limits on one stream shard (aws-facts §1.5; developer guide Streams.html: "No more
than two processes at most should be reading from the same streams shard at the same time";
Kinesis-style ~5 GetRecords calls per second per shard), answered with LimitExceededException,
which SDKs treat as a throttle and retry.

Off unless `headwater serve --stream-read-limits on`: Headwater cannot see processes the way
AWS does, so a "reader" here is an iterator chain (a GetShardIterator answer and the
NextShardIterators that follow from it), and one process that takes a fresh iterator for every
poll looks like several readers. Time is the server clock, so tests move it instead of sleeping.
Trigger consumers and `headwater stream` (which backs off on this error) are unaffected: the
former read in-process, never through GetRecords.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from headwater.streams.errors import LimitExceededException
from headwater.streams.iterators import ITERATOR_LIFETIME

CALLS_PER_SECOND = 5
READERS_PER_SHARD = 2
# A reader that called within this many seconds is reading "at the same time": wide enough
# that a consumer polling once a second (the Kinesis adapter's default) stays counted.
READER_WINDOW = 2.0


@dataclass(slots=True)
class _ShardUse:
    calls: deque[float] = field(default_factory=deque)  # admitted call times, last second
    readers: dict[str, float] = field(default_factory=dict)  # reader -> last call time


class ReadLimits:
    """Admits or throttles GetRecords calls per shard; a no-op when disabled."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._shards: dict[int, _ShardUse] = {}
        # NextShardIterator (digest) -> the reader whose chain it continues, oldest first.
        self._chains: OrderedDict[bytes, tuple[str, float]] = OrderedDict()

    def admit(self, shard: int, shard_id: str, stream_arn: str, account: str, iterator: str,
              now: float) -> str | None:
        """Record one GetRecords call on `shard` made with `iterator`; returns the reader it
        belongs to (for `follow`), or raises LimitExceededException."""
        if not self.enabled:
            return None
        self._forget_chains(now)
        known = self._chains.get(_digest(iterator))
        reader = known[0] if known is not None else _digest(iterator).hex()
        use = self._shards.setdefault(shard, _ShardUse())
        while use.calls and use.calls[0] <= now - 1.0:
            use.calls.popleft()
        for other, last in list(use.readers.items()):
            if last <= now - READER_WINDOW:
                del use.readers[other]
        if len(use.calls) >= CALLS_PER_SECOND or (
                reader not in use.readers and len(use.readers) >= READERS_PER_SHARD):
            # Kinesis's wording for the same throttle; AWS's DynamoDB Streams text is not
            # recorded [infer].
            raise LimitExceededException(
                f"Rate exceeded for shard {shard_id} in stream {stream_arn} under account "
                f"{account}.")
        use.calls.append(now)
        use.readers[reader] = now
        return reader

    def follow(self, reader: str | None, next_iterator: str, now: float) -> None:
        """`next_iterator` continues `reader`'s chain."""
        if reader is not None:
            self._chains[_digest(next_iterator)] = (reader, now)

    def _forget_chains(self, now: float) -> None:
        while self._chains:
            _, (_, issued) = next(iter(self._chains.items()))
            if issued > now - ITERATOR_LIFETIME:
                break
            self._chains.popitem(last=False)


def _digest(iterator: str) -> bytes:
    return hashlib.blake2b(iterator.encode(), digest_size=16).digest()
