"""The reads a serving process answers itself: the happy path of GetItem, BatchGetItem, Query
and Scan on tables it can serve exactly as the owner would (root.servable). The request is
decoded, validated and run by the same code as in the owner (the JSON protocol, the model's
validators, the operations, the CloudWatch recording around them); any other outcome than a
success (an AwsError, any exception, a table not servable here) answers None, and the caller
forwards the request as received: every error and edge answer is the owner's own."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from headwater.cloudwatch.dynamodb_metrics import recording
from headwater.core.context import RequestContext
from headwater.core.ids import request_id
from headwater.core.principal import Principal
from headwater.dynamodb.service import OPERATIONS
from headwater.http.server import Response
from headwater.serving.root import NotServedHere, ServingRoot
from headwater.wire.json_protocol import JsonService, Operation

PREFIX = "DynamoDB_20120810"
# The operations answered here, by X-Amz-Target.
LOCAL = ("GetItem", "BatchGetItem", "Query", "Scan")
TARGETS = {f"{PREFIX}.{name}": name for name in LOCAL}
ERRORS = "com.amazonaws.dynamodb.v20120810"


class Forward(NotServedHere):
    """A table this process does not serve (missing, or not servable): the owner answers."""


def _only_servable(name: str, operation: Operation) -> Operation:
    """The operation, refusing (Forward) a table that is missing or not servable here."""
    def guarded(ctx: RequestContext[Any], request: dict[str, Any]) -> Any:
        root = ctx.runtime
        tables = root.tables
        names = request.get("RequestItems") if name == "BatchGetItem" else (
            request.get("TableName"),)
        for table_name in names or ():
            if not isinstance(table_name, str):
                raise Forward("")
            table = tables.find(ctx.account, ctx.region, table_name)
            if table is None or not root.servable(table):
                raise Forward("")
        return operation(ctx, request)
    return guarded


class LocalReads:
    def __init__(self, root: ServingRoot) -> None:
        self.root = root
        operations = recording({name: _only_servable(name, OPERATIONS[name]) for name in LOCAL})
        self.service = JsonService("dynamodb", PREFIX, ERRORS, operations, crc32=True)
        self.answered = 0

    def answer(self, who: Principal, operation: str, host: str, body: bytes
               ) -> Response | Awaitable[Response | None] | None:
        """The response to a read, or None when the owner must answer it."""
        root = self.root
        root.fresh()
        ctx = RequestContext(who.account, who.region, request_id(), root, host,
                             who.access_key, who)
        answer = self.service.handle(ctx, operation, body)
        if isinstance(answer, tuple):
            if answer[0] != 200:
                return None
            self.answered += 1
            return 200, self.service.headers(ctx, answer[1]), answer[1]
        return self._later(ctx, answer)

    async def _later(self, ctx: RequestContext[Any], pending: Awaitable[tuple[int, bytes]]
                     ) -> Response | None:
        status, payload = await pending
        if status != 200:
            return None
        self.answered += 1
        return 200, self.service.headers(ctx, payload), payload
