"""PartiQL writes (INSERT, UPDATE, DELETE and EXISTS checks): decide each change against the
current item, then apply it through `items.write`, so every change stores the item and appends
its stream record in the caller's transaction.

AWS: INSERT of an existing key is DuplicateItemException; UPDATE of a missing item and a false
WHERE condition are ConditionalCheckFailedException; DELETE of a missing item does nothing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from headwater.dynamodb import item_store, items
from headwater.dynamodb.errors import (
    ConditionalCheckFailedException,
    DuplicateItemException,
    ValidationException,
)
from headwater.dynamodb.expressions import ast, conditions, updates
from headwater.dynamodb.item_size import item_size
from headwater.dynamodb.partiql import binding
from headwater.dynamodb.partiql import statements as st
from headwater.dynamodb.table import Table
from headwater.dynamodb.values import check_item

if TYPE_CHECKING:
    from headwater.dynamodb.context import DynamoDbServices

FAILED = "The conditional request failed"
DUPLICATE = "Duplicate primary key exists in table"
KEY_ABSENT = "Key attribute should be present in the item: Key {}"


@dataclass(slots=True)
class Write:
    """A write statement checked against its table, before anything is read."""

    statement: st.Statement
    table: Table
    key: items.Key
    condition: Any  # the WHERE terms besides the key equalities, or None
    item: dict[str, Any] | None = None  # INSERT's item


@dataclass(slots=True)
class Change:
    write: Write
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    touched: set[str]


def prepare(table: Table, statement: st.Statement) -> Write:
    """Static checks: the item or the full key, key types; raises ValidationException."""
    if isinstance(statement, st.Insert):
        item_value = statement.item.value
        item = check_item(item_value["M"])
        for name in table.key_names:
            if name not in item:
                raise ValidationException(KEY_ABSENT.format(name))
            binding.check_key_value(table, name, item[name])
        key = items.key_from_item(table, item)
        items.check_size(item)
        return Write(statement, table, key, None, item)
    select = statement.select if isinstance(statement, st.Exists) else statement
    where = getattr(select, "where", None)
    try:
        key_values = binding.full_key(table, where)
    except ValidationException:
        if isinstance(statement, st.Exists):
            raise ValidationException(
                "EXISTS() must contain a single item read with additional condition") from None
        raise
    rest = [term for term in binding.conjuncts(where) if not _is_key_term(term, key_values)]
    condition = None
    for term in rest:
        condition = term if condition is None else ast.And(condition, term)
    if isinstance(statement, st.Update):
        _check_set_functions(statement.actions)
        updates.check(ast.UpdateNode(statement.actions, ()))
    return Write(statement, table, items.encode_key(table, key_values), condition)


def _check_set_functions(actions: tuple[ast.UpdateAction, ...]) -> None:
    for action in actions:
        if isinstance(action, ast.AddAction | ast.DeleteAction):
            value = action.value
            if not isinstance(value, ast.Literal) or value.type() not in ("SS", "NS", "BS"):
                operator = "ADD" if isinstance(action, ast.AddAction) else "DELETE"
                raise ValidationException(
                    f"The second argument to SET_{operator} must be a value with type SET")


def _is_key_term(term: Any, key_values: dict[str, Any]) -> bool:
    if not isinstance(term, ast.Compare) or term.op != "=":
        return False
    for path, other in ((term.left, term.right), (term.right, term.left)):
        if (isinstance(path, ast.Path) and len(path.elements) == 1
                and isinstance(other, ast.Literal)
                and key_values.get(str(path.elements[0])) == other.value):
            return True
    return False


def decide(conn: sqlite3.Connection, write: Write, return_old: bool) -> Change:
    """Read the current item and decide the change; raises the statement's AWS error."""
    old = item_store.get(conn, write.table.id, *write.key)
    statement = write.statement
    if isinstance(statement, st.Insert):
        if old is not None:
            raise DuplicateItemException(DUPLICATE)
        return Change(write, None, write.item, set(write.item or {}))
    if isinstance(statement, st.Delete) and old is None:
        return Change(write, None, None, set())
    if old is None or (write.condition is not None
                       and not conditions.evaluate(write.condition, old)):
        if return_old and old is not None:
            raise ConditionalCheckFailedException(FAILED, Item=old)
        raise ConditionalCheckFailedException(FAILED)
    if isinstance(statement, st.Exists):
        return Change(write, old, old, set())
    if isinstance(statement, st.Delete):
        return Change(write, old, None, set(old))
    assert isinstance(statement, st.Update)
    new, touched = updates.apply(ast.UpdateNode(statement.actions, ()), old)
    items.check_updated(write.table, new, touched)
    return Change(write, old, new, touched)


def apply(runtime: DynamoDbServices, conn: sqlite3.Connection, change: Change) -> int:
    """Store the change and its stream record; returns the size for write capacity."""
    if isinstance(change.write.statement, st.Exists):
        return 0
    items.write(runtime, conn, change.write.table, change.write.key, change.old, change.new)
    return max(item_size(change.new) if change.new else 0,
               item_size(change.old) if change.old else 0)


def returned(change: Change) -> list[dict[str, Any]]:
    """The Items of a write's response: the RETURNING clause's image, or nothing."""
    statement = change.write.statement
    mode = getattr(statement, "returning", None)
    if mode is None:
        return []
    old, new = change.old or {}, change.new or {}
    if mode.mode == "ALL OLD":
        return [old] if change.old is not None else []
    if mode.mode == "ALL NEW":
        return [new] if change.new is not None else []
    if mode.mode == "MODIFIED OLD":
        return [{k: v for k, v in old.items() if k in change.touched}]
    return [{k: v for k, v in new.items() if k in change.touched}]
