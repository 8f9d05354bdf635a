"""UpdateItem."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from headwater.dynamodb import item_collections, item_store, items
from headwater.dynamodb.capacity import write_consumed
from headwater.dynamodb.condition_check import check_return_values, enforce
from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.expression_params import compile_request
from headwater.dynamodb.expressions import paths

RETURN_VALUES = ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")


def update_item(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """UpdateItem: apply an update expression (or AttributeUpdates) to a new or existing item."""
    runtime = ctx.runtime
    return_values = check_return_values(request, RETURN_VALUES)
    # Request checks come before the table lookup.
    expressions = compile_request(request, ("UpdateExpression", "ConditionExpression"))
    table = runtime.tables.get(ctx.account, ctx.region, request["TableName"])
    key_attributes, key = items.key_from_request(table, request["Key"])
    if expressions.update is not None:
        items.check_key_untouched(table, expressions.update.top_level_names)
    # No savepoint (Storage.transaction): every error UpdateItem answers is raised before its
    # first change. The key, expressions and key-attribute checks come before the transaction;
    # inside it the item is read, then a failed condition (enforce), an update that does not
    # apply (a wrong operand type, an invalid document path) or a result over 400 KB
    # (items.updated) and an index key of the wrong type (items.write checks the new item's
    # index keys before it maintains an index or stores the item) all raise before items.write
    # changes a row; the collection metrics only read. A failure after a change (a bug, an
    # I/O error) rolls back the whole group commit, none of its writes acknowledged.
    with runtime.storage.transaction(savepoint=False) as conn:
        old, old_raw, old_size = item_store.get_sized_stored(conn, table.id, *key)
        enforce(expressions.condition, old, request)
        new, size = items.updated(table, expressions.update, old, key_attributes, old_size)
        items.write(runtime, conn, table, key, old, new, size=size, old_size=old_size,
                    old_raw=old_raw)
        collection = item_collections.metrics(conn, table, key[0], new or key_attributes,
                                              request)
    response: dict[str, Any] = {}
    actions = () if expressions.update is None else expressions.update.node.actions
    attributes = _returned(return_values, old, new, actions)
    if attributes:
        response["Attributes"] = attributes
    capacity = write_consumed(ctx.charges, request, table, old, new, size, old_size)
    if capacity is not None:
        response["ConsumedCapacity"] = capacity
    if collection is not None:
        response["ItemCollectionMetrics"] = collection
    return response


def _returned(mode: str, old: dict[str, Any] | None, new: dict[str, Any] | None,
              actions: Sequence[Any]) -> dict[str, Any] | None:
    if mode == "ALL_OLD":
        return old
    if mode == "ALL_NEW":
        return new
    if mode == "NONE" or (old if mode == "UPDATED_OLD" else new) is None:
        return None
    # UPDATED_* return only the fragments at the updated document paths, not whole top-level
    # attributes: SET m.x = :v gives {m: {M: {x: ...}}}; a path with nothing at it (a REMOVE
    # for UPDATED_NEW, an append past the end of a list) adds nothing, except that after
    # `REMOVE l[1]` UPDATED_NEW shows the element that moved up to l[1].
    source = old if mode == "UPDATED_OLD" else new
    tree: dict[str | int, Any] = {}
    for action in actions:
        elements = action.path.elements
        value = paths.get(source, elements)
        if value is not None:
            _graft(tree, elements, value)
    return {str(name): _build(node) for name, node in tree.items()} or None


@dataclass
class _Branch:
    is_list: bool
    children: dict[str | int, Any] = field(default_factory=dict)


def _graft(children: dict[str | int, Any], elements: Sequence[str | int],
           value: dict[str, Any]) -> None:
    head, rest = elements[0], elements[1:]
    if not rest:
        children[head] = value
        return
    branch = children.get(head)
    if not isinstance(branch, _Branch):
        branch = children[head] = _Branch(is_list=isinstance(rest[0], int))
    _graft(branch.children, rest, value)


def _build(node: Any) -> dict[str, Any]:
    if not isinstance(node, _Branch):
        return dict(node)
    built = {key: _build(child) for key, child in node.children.items()}
    if node.is_list:
        return {"L": [built[index] for index in sorted(built, key=int)]}
    return {"M": {str(key): value for key, value in built.items()}}
