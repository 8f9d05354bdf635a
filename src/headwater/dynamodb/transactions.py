"""TransactWriteItems and TransactGetItems: planning each action, all-or-nothing execution in
one SQLite transaction, cancellation reasons in request order, and ClientRequestToken
idempotency (AWS API reference "TransactWriteItems").

A transaction reads every item it touches, decides every action, and only then writes, so a
cancelled transaction writes nothing and a committed one appends one stream record per change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from headwater.dynamodb import item_collections, item_store, items
from headwater.dynamodb.errors import (
    TransactionCanceledException,
    ValidationException,
)
from headwater.dynamodb.expression_params import RequestExpressions, compile_request
from headwater.dynamodb.item_size import item_size
from headwater.dynamodb.table import Table
from headwater.dynamodb.values import check_item

if TYPE_CHECKING:
    from headwater.core.context import RequestContext
    from headwater.runtime import Runtime

MAX_TRANSACTION_BYTES = 4 * 1024 * 1024
TOKEN_SECONDS = 600
KINDS = ("ConditionCheck", "Put", "Delete", "Update")
ONE_ITEM = "Transaction request cannot include multiple operations on one item"
FAILED = "The conditional request failed"


@dataclass(slots=True)
class Action:
    kind: str
    table: Table
    key: items.Key
    spec: dict[str, Any]
    expressions: RequestExpressions
    key_attributes: dict[str, Any] = field(default_factory=dict)
    item: dict[str, Any] | None = None  # Put's item


def plan(ctx: RequestContext, entry: dict[str, Any], kinds: tuple[str, ...] = KINDS) -> Action:
    """One TransactItems entry checked against its table (raises before anything is read)."""
    present = [kind for kind in kinds if kind in entry]
    if len(present) != 1:
        if len(kinds) == 1:
            raise ValidationException("TransactItems can only contain one of Get")
        raise ValidationException(
            "TransactItems can only contain one of Check, Put, Update or Delete")
    kind = present[0]
    spec = entry[kind]
    table = ctx.runtime.tables.get(ctx.account, ctx.region, spec["TableName"])
    expressions = compile_request(spec)
    if kind == "Put":
        item = check_item(spec["Item"])
        key = items.key_from_item(table, item)
        items.check_size(item)
        return Action(kind, table, key, spec, expressions, item=item)
    key_attributes, key = items.key_from_request(table, spec["Key"])
    return Action(kind, table, key, spec, expressions, key_attributes)


def check_distinct(actions: list[Action]) -> None:
    seen: set[tuple[int, items.Key]] = set()
    for action in actions:
        if (action.table.id, action.key) in seen:
            raise ValidationException(ONE_ITEM)
        seen.add((action.table.id, action.key))


def check_size(request: dict[str, Any]) -> None:
    total = 0
    for entry in request["TransactItems"]:
        for spec in entry.values():
            total += _size(spec.get("Item") or spec.get("Key") or {})
            total += _size(spec.get("ExpressionAttributeValues") or {})
    if total > MAX_TRANSACTION_BYTES:
        raise ValidationException("Transaction request cannot be larger than 4 MB")


def _size(values: dict[str, Any]) -> int:
    """The size of attribute values not yet checked: a malformed one counts nothing here, and
    `plan` refuses it in DynamoDB's words."""
    try:
        return item_size(values)
    except (ValueError, TypeError, AttributeError):
        return 0


def execute(runtime: Runtime, actions: list[Action], request: dict[str, Any]
            ) -> tuple[list[int], dict[str, list[dict[str, Any]]]]:
    """Run every action in one SQLite transaction; returns the written sizes and the item
    collection metrics by table (when the request asks), or raises
    TransactionCanceledException with one reason per action, in order."""
    with runtime.storage.transaction() as conn:
        decided = []
        reasons: list[dict[str, Any]] = []
        for action in actions:
            old = item_store.get(conn, action.table.id, *action.key)
            try:
                new = _decide(action, old)
            except _Failed as failure:
                reasons.append(failure.reason)
                continue
            reasons.append({"Code": "None"})
            decided.append((action, old, new))
        if len(decided) != len(actions):
            codes = ", ".join(r["Code"] for r in reasons)
            raise TransactionCanceledException(
                "Transaction cancelled, please refer cancellation reasons for specific reasons "
                f"[{codes}]", CancellationReasons=reasons)
        sizes = []
        collections: dict[str, list[dict[str, Any]]] = {}
        for action, old, new in decided:
            sizes.append(max(item_size(new) if new else 0, item_size(old) if old else 0))
            if action.kind == "ConditionCheck":
                continue
            items.write(runtime, conn, action.table, action.key, old, new)
            metrics = item_collections.metrics(conn, action.table, action.key[0],
                                               new or old or action.key_attributes, request)
            if metrics is not None:
                collections.setdefault(action.spec["TableName"], []).append(metrics)
    return sizes, collections


class _Failed(Exception):
    def __init__(self, reason: dict[str, Any]) -> None:
        super().__init__(reason["Code"])
        self.reason = reason


def _decide(action: Action, old: dict[str, Any] | None) -> dict[str, Any] | None:
    condition = action.expressions.condition
    if condition is not None and not condition.evaluate(old):
        reason: dict[str, Any] = {"Code": "ConditionalCheckFailed", "Message": FAILED}
        if action.spec.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and old:
            reason["Item"] = old
        raise _Failed(reason)
    if action.kind == "ConditionCheck":
        return old
    if action.kind == "Put":
        return action.item
    if action.kind == "Delete":
        return None
    start = dict(action.key_attributes) if old is None else old
    try:
        new, touched = action.expressions.update.apply(start)
        items.check_updated(action.table, new, touched)
    except ValidationException as error:
        raise _Failed({"Code": "ValidationError", "Message": error.message}) from None
    return dict(new)
