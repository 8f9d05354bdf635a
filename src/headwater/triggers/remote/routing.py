"""The stream source the trigger manager reads through when `--stream-endpoint` is given: the
local change log for the server's own streams, the remote engine for every other stream ARN
(a mapping may name a stream whose table is not local only then)."""

from __future__ import annotations

from headwater.triggers.remote.source import RemoteStreamSource
from headwater.triggers.stream_source import LocalStreamSource, ShardInfo, SourceRecord


class RoutingStreamSource:
    def __init__(self, local: LocalStreamSource, remote: RemoteStreamSource) -> None:
        self.local = local
        self.remote = remote

    def is_remote(self, stream_arn: str) -> bool:
        return not self.local.exists(stream_arn)

    def _for(self, stream_arn: str) -> LocalStreamSource | RemoteStreamSource:
        return self.remote if self.is_remote(stream_arn) else self.local

    def position_now(self) -> int:
        return self.local.position_now()

    def exists(self, stream_arn: str) -> bool:
        return self._for(stream_arn).exists(stream_arn)

    def shards(self, stream_arn: str) -> list[ShardInfo]:
        return self._for(stream_arn).shards(stream_arn)

    def hash_key(self, stream_arn: str) -> str | None:
        return self._for(stream_arn).hash_key(stream_arn)

    def read(self, stream_arn: str, shard_id: str, after: int, limit: int) -> list[SourceRecord]:
        return self._for(stream_arn).read(stream_arn, shard_id, after, limit)

    def is_closed(self, stream_arn: str, shard_id: str) -> bool:
        return self._for(stream_arn).is_closed(stream_arn, shard_id)

    async def wait_for_records(self, stream_arn: str, shard_id: str,
                               timeout: float | None, after: int | None = None) -> bool:
        return await self._for(stream_arn).wait_for_records(stream_arn, shard_id, timeout,
                                                            after)

    async def wait_for_shards(self, stream_arn: str, timeout: float | None) -> bool:
        return await self._for(stream_arn).wait_for_shards(stream_arn, timeout)
