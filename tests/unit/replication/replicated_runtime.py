"""An in-process Runtime with one global table `g` replicated from us-east-1 to us-west-2, no
background workers (the tests apply the pairs by hand), and DynamoDB calls against it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from headwater.core.context import RequestContext
from headwater.dynamodb.service import OPERATIONS
from headwater.runtime import Runtime
from headwater.settings import Settings

ACCOUNT, EAST, WEST = "000000000000", "us-east-1", "us-west-2"


def replicated_runtime() -> Iterator[Runtime]:
    runtime = Runtime(Settings(data_dir=None))
    call(runtime, EAST, "CreateTable", {
        "TableName": "g", "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]})
    call(runtime, EAST, "UpdateTable", {
        "TableName": "g", "ReplicaUpdates": [{"Create": {"RegionName": WEST}}]})
    yield runtime
    runtime.close()


def call(runtime: Runtime, region: str, operation: str, request: dict[str, Any]) -> Any:
    """The operation's answer as a client decodes it: reads answer items as their stored JSON
    (orjson.Fragment), which only the wire encoding turns back into values."""
    answer = OPERATIONS[operation](RequestContext(ACCOUNT, region, "test", runtime), request)
    return answer if answer is None else orjson.loads(orjson.dumps(answer))
