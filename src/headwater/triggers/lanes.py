"""ParallelizationFactor (aws-facts §4.1): records of one shard routed to up to 10 lanes by
partition key, so each key's changes stay in order while different keys run concurrently; and
the shard's progress, which never passes a record whose lane has not finished with it."""

from __future__ import annotations

import zlib
from collections import OrderedDict
from typing import Any

import orjson


def lane_of(record: dict[str, Any], hash_key: str | None, lanes: int) -> int:
    """The lane of one wire record: a stable hash of its partition key value."""
    if lanes <= 1:
        return 0
    keys = record.get("dynamodb", {}).get("Keys", {})
    value = keys.get(hash_key) if hash_key is not None else None
    token = orjson.dumps(value if value is not None else keys, option=orjson.OPT_SORT_KEYS)
    return zlib.crc32(token) % lanes


class Progress:
    """Which read records are still open; the checkpoint is the end of the finished prefix.

    Records that matched no filter are never opened, so the checkpoint moves past them as soon
    as every earlier delivered record is done (aws-facts §4.7)."""

    def __init__(self, position: int) -> None:
        self.read = position  # the last sequence counter read
        self._open: OrderedDict[int, bool] = OrderedDict()

    def opened(self, seqs: list[int]) -> None:
        for seq in seqs:
            self._open[seq] = False

    def done(self, seqs: list[int]) -> None:
        for seq in seqs:
            if seq in self._open:
                self._open[seq] = True
        while self._open:
            seq, finished = next(iter(self._open.items()))
            if not finished:
                break
            self._open.popitem(last=False)

    def checkpoint(self) -> int:
        """Every record at or before this position is finished."""
        if not self._open:
            return self.read
        return next(iter(self._open)) - 1

    def reset(self, position: int) -> None:
        self.read = position
        self._open.clear()
