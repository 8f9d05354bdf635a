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
from headwater.dynamodb.capacity import Charge, item_write, write_units
from headwater.dynamodb.errors import (
    TransactionCanceledException,
    ValidationException,
)
from headwater.dynamodb.expression_params import RequestExpressions, compile_request
from headwater.dynamodb.indexes import check_index_keys
from headwater.dynamodb.item_size import item_size
from headwater.dynamodb.table import Table
from headwater.dynamodb.values import checked_item

if TYPE_CHECKING:
    from headwater.dynamodb.context import DynamoDbServices, RequestContext

MAX_TRANSACTION_BYTES = 4 * 1024 * 1024
KINDS = ("ConditionCheck", "Put", "Delete", "Update")
ONE_ITEM = "Transaction request cannot include multiple operations on one item"
FAILED = "The conditional request failed"


@dataclass(slots=True)
class Entry:
    """One TransactItems entry after the checks that need no table: its kind, spec and
    compiled expressions (and a Put's checked item)."""
    kind: str
    spec: dict[str, Any]
    expressions: RequestExpressions
    item: dict[str, Any] | None = None  # Put's item


@dataclass(slots=True)
class Action:
    kind: str
    table: Table
    key: items.Key
    spec: dict[str, Any]
    expressions: RequestExpressions
    key_attributes: dict[str, Any] = field(default_factory=dict)
    item: dict[str, Any] | None = None  # Put's item
    # A per-item error that cancels the transaction with a ValidationError reason in this
    # position instead of failing the whole request (an empty Key).
    invalid: str | None = None


def check(entry: dict[str, Any], kinds: tuple[str, ...] = KINDS) -> Entry:
    """One TransactItems entry checked on its own: every entry passes this before any table
    is looked up, so a malformed request to a missing table is a ValidationException."""
    present = [kind for kind in kinds if kind in entry]
    if len(present) != 1:
        if len(kinds) == 1:
            raise ValidationException("TransactItems can only contain one of Get")
        raise ValidationException(
            "TransactItems can only contain one of Check, Put, Update or Delete")
    kind = present[0]
    spec = entry[kind]
    expressions = compile_request(spec)
    if kind == "Put":
        item, size = checked_item(spec["Item"])
        items.check_limit(size)
        return Entry(kind, spec, expressions, item)
    return Entry(kind, spec, expressions)


def plan(ctx: RequestContext, entry: Entry) -> Action:
    """A checked entry bound to its table and key."""
    table = ctx.runtime.tables.get(ctx.account, ctx.region, entry.spec["TableName"])
    if entry.item is not None:
        key = items.key_from_item(table, entry.item)
        return Action(entry.kind, table, key, entry.spec, entry.expressions, item=entry.item)
    if not entry.spec["Key"]:
        # An empty Key cancels rather than rejects (issue 11; AWS's recorded answers
        # for wrong-typed or empty-string key values are whole-request ValidationExceptions,
        # kept below).
        return Action(entry.kind, table, (b"", b""), entry.spec, entry.expressions,
                      invalid=items.KEY_MISMATCH)
    key_attributes, key = items.key_from_request(table, entry.spec["Key"])
    return Action(entry.kind, table, key, entry.spec, entry.expressions, key_attributes)


def check_distinct(actions: list[Action]) -> None:
    seen: set[tuple[int, items.Key]] = set()
    for action in actions:
        if action.invalid is not None:
            continue
        if (action.table.id, action.key) in seen:
            raise ValidationException(ONE_ITEM)
        seen.add((action.table.id, action.key))


def cancel_invalid(actions: list[Action]) -> None:
    """Raise TransactionCanceledException when any action carries a per-item error."""
    if any(action.invalid is not None for action in actions):
        raise cancelled([_invalid_reason(action) or {"Code": "None"} for action in actions])


def cancelled(reasons: list[dict[str, Any]]) -> TransactionCanceledException:
    codes = ", ".join(reason["Code"] for reason in reasons)
    return TransactionCanceledException(
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        f"[{codes}]", CancellationReasons=reasons)


def _invalid_reason(action: Action) -> dict[str, Any] | None:
    if action.invalid is None:
        return None
    return {"Code": "ValidationError", "Message": action.invalid}


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


def execute(runtime: DynamoDbServices, actions: list[Action], request: dict[str, Any]
            ) -> tuple[list[Charge], dict[str, list[dict[str, Any]]]]:
    """Run every action in one SQLite transaction; returns each action's capacity charge
    (one pass; transactions cost double) and the item collection metrics by table (when the
    request asks), or raises TransactionCanceledException with one reason per action, in
    order."""
    with runtime.storage.transaction() as conn:
        decided = []
        reasons: list[dict[str, Any]] = []
        for action in actions:
            invalid = _invalid_reason(action)
            if invalid is not None:
                reasons.append(invalid)
                continue
            old = item_store.get(conn, action.table.id, *action.key)
            try:
                new = _decide(action, old)
            except _Failed as failure:
                reasons.append(failure.reason)
                continue
            reasons.append({"Code": "None"})
            decided.append((action, old, new))
        if len(decided) != len(actions):
            raise cancelled(reasons)
        # Every written item's index keys (wrong type, empty, too large) before the first
        # write: items.write checks them again as it writes, so the transaction answers the
        # same ValidationException, the first in request order, having changed nothing.
        for action, _old, new in decided:
            if action.kind != "ConditionCheck" and new is not None and action.table.indexes:
                check_index_keys(action.table.indexes, new)
        charges = []
        collections: dict[str, list[dict[str, Any]]] = {}
        for action, old, new in decided:
            if action.kind == "ConditionCheck":
                # A check writes nothing: it costs the item's size, on the table alone.
                charges.append(Charge(write_units(item_size(old) if old else 0)))
                continue
            charges.append(item_write(action.table, old, new))
            items.write(runtime, conn, action.table, action.key, old, new)
            metrics = item_collections.metrics(conn, action.table, action.key[0],
                                               new or old or action.key_attributes, request)
            if metrics is not None:
                collections.setdefault(action.spec["TableName"], []).append(metrics)
    return charges, collections


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
    try:
        if action.expressions.update is not None:
            items.check_key_untouched(action.table, action.expressions.update.top_level_names)
        new, _ = items.updated(action.table, action.expressions.update, old,
                               action.key_attributes)
    except ValidationException as error:
        raise _Failed({"Code": "ValidationError", "Message": error.message}) from None
    return new
