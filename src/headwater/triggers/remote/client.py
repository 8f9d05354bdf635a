"""The boto3 clients a worker reaches the remote engine with (DynamoDB Streams for records,
DynamoDB for the lease table), their blocking calls run on a small bounded thread pool so the
event loop never waits on the network, and the classification of their failures: what is
transient (throttles, 5xx, an unreachable engine: back off and try again) and what is not.

botocore's own retries are off: a retry inside a pool thread would hold the thread and hide the
throttle from the back-off that paces the shard (aws-facts §1.5: LimitExceededException)."""

from __future__ import annotations

import asyncio
import functools
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

POOL_THREADS = 16  # blocking calls in flight at once, per worker process
THROTTLES = frozenset({"LimitExceededException", "ThrottlingException",
                       "ProvisionedThroughputExceededException", "RequestLimitExceeded",
                       "TooManyRequestsException", "InternalServerError",
                       "ServiceUnavailable", "ServiceUnavailableException"})


@dataclass(frozen=True, slots=True)
class RemoteSettings:
    endpoint: str | None  # None or "aws": the region's AWS endpoints
    region: str | None
    profile: str | None


def streams_endpoint(endpoint: str | None) -> str | None:
    """Amazon serves DynamoDB Streams on a host of its own (streams.dynamodb.<region>...);
    every other engine serves both APIs on one endpoint."""
    if endpoint is None or endpoint == "aws":
        return None
    scheme, _, rest = endpoint.partition("://")
    if rest.startswith("dynamodb.") and ".amazonaws.com" in rest:
        return f"{scheme}://streams.{rest}"
    return endpoint


def error_code(error: BaseException) -> str:
    """The AWS error code of a failed call ("" when it never got an AWS answer)."""
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", ""))
    return ""


def is_transient(error: BaseException) -> bool:
    """Worth trying again after a pause: a throttle, a 5xx, or no answer at all (the engine
    restarting, a connection reset, a timeout)."""
    if isinstance(error, ClientError):
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        return error_code(error) in THROTTLES or status >= 500
    return isinstance(error, BotoCoreError | OSError)


class RemoteClients:
    """One boto3 session's DynamoDB and DynamoDB Streams clients (thread-safe), the pool that
    runs their calls, and a count of calls by operation (lease traffic, bench/leases.py)."""

    def __init__(self, settings: RemoteSettings, threads: int = POOL_THREADS) -> None:
        session = boto3.session.Session(profile_name=settings.profile,
                                        region_name=settings.region)
        config = Config(retries={"total_max_attempts": 1}, connect_timeout=2, read_timeout=10,
                        max_pool_connections=threads)
        region = settings.region or session.region_name or "us-east-1"
        table_endpoint = None if settings.endpoint == "aws" else settings.endpoint
        self.streams = session.client("dynamodbstreams",
                                      endpoint_url=streams_endpoint(settings.endpoint),
                                      region_name=region, config=config)
        self.dynamodb = session.client("dynamodb", endpoint_url=table_endpoint,
                                       region_name=region, config=config)
        self.endpoint = str(self.dynamodb.meta.endpoint_url)
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="headwater-remote")
        self.calls: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()  # failed calls by AWS error code

    async def streams_call(self, operation: str, **request: Any) -> dict[str, Any]:
        return await self._call(self.streams, operation, request)

    async def table_call(self, operation: str, **request: Any) -> dict[str, Any]:
        return await self._call(self.dynamodb, operation, request)

    async def _call(self, client: Any, operation: str, request: dict[str, Any]
                    ) -> dict[str, Any]:
        self.calls[operation] += 1
        loop = asyncio.get_running_loop()
        try:
            answer = await loop.run_in_executor(
                self._pool, functools.partial(getattr(client, operation), **request))
        except Exception as error:
            self.errors[error_code(error) or type(error).__name__] += 1
            raise
        return dict(answer)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
