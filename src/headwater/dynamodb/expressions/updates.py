"""Update expressions: SET, REMOVE, ADD and DELETE, with AWS's checks and apply semantics.

AWS page: "Update expressions". Every right-hand side reads the item as it was before the
update; SET, ADD and DELETE then apply in order (writes to one list in index order), and REMOVE
last, highest list index first, so `REMOVE l[1], l[3]` removes the elements that were at 1 and 3.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from headwater.dynamodb.expressions import ast, paths, values
from headwater.dynamodb.expressions.binding import bind_text
from headwater.dynamodb.expressions.parser import UPDATE_FUNCTIONS, invalid
from headwater.wire.errors import ValidationException

KIND = "UpdateExpression"
MISSING_ATTRIBUTE = "The provided expression refers to an attribute that does not exist in the item"
WRONG_TYPE = "An operand in the update expression has an incorrect data type"
# AttributeUpdates ADD/DELETE on an attribute of another type (dynalite test/updateItem.js,
# recorded against AWS; the UpdateItem API reference lists the message).
LEGACY_WRONG_TYPE = "Type mismatch for attribute to update"
_TYPE_NAMES = {
    "S": "STRING",
    "N": "NUMBER",
    "B": "BINARY",
    "NULL": "NULL",
    "BOOL": "BOOLEAN",
    "L": "LIST",
    "M": "MAP",
}


@dataclass(frozen=True)
class Update:
    node: ast.UpdateNode
    used_names: frozenset[str] = field(default_factory=frozenset)
    used_values: frozenset[str] = field(default_factory=frozenset)

    @property
    def top_level_names(self) -> set[str]:
        """The top-level attributes the update's actions write to."""
        return {str(ast.bound_elements(a.path)[0]) for a in self.node.actions}

    def apply(self, item: ast.Item) -> tuple[ast.Item, set[str]]:
        """Return the updated copy of `item` and the top-level attributes the update touched."""
        return apply(self.node, item)


def compile_update(
    expression: str,
    names: dict[str, str] | None,
    values_map: dict[str, ast.AttributeValue] | None,
) -> Update:
    node, used_names, used_values = bind_text(KIND, expression, names, values_map,
                                              names_first=True)
    check(node)
    return Update(node, used_names, used_values)


# ---- checks that need bound values


def check(node: ast.UpdateNode, kind: str = KIND) -> None:
    clash = paths.first_clash([ast.bound_elements(a.path) for a in node.actions])
    if clash:
        raise invalid(kind, clash)
    errors: dict[str, str] = {}
    for action in node.actions:
        if isinstance(action, ast.AddAction | ast.DeleteAction):
            operator = "ADD" if isinstance(action, ast.AddAction) else "DELETE"
            if not isinstance(action.value, ast.Literal):
                # The grammar takes only a :value here ("ADD a b" is AWS's syntax error), so
                # only a tree built elsewhere (PartiQL) can get here; say what AWS would.
                operand = _source(action.value)
                errors.setdefault(
                    "syntax",
                    f'Syntax error; token: "{operand}", near: "{_source(action.path)} {operand}"',
                )
                continue
            type_name = _TYPE_NAMES.get(action.value.type())
            allowed = operator == "ADD" and (
                action.value.type() == "N" or (action.legacy and action.value.type() == "L")
            )
            if type_name and not allowed:
                errors.setdefault(
                    "operand",
                    "Incorrect operand type for operator or function; "
                    f"operator: {operator}, operand type: {type_name}",
                )
        elif isinstance(action, ast.SetAction):
            _check_operand(action.value, errors)
    for category in ("syntax", "unknown", "operand", "function"):
        if category in errors:
            raise invalid(kind, errors[category])


def _source(operand: Any) -> str:
    """An operand as expression text, for messages."""
    if isinstance(operand, ast.Path):
        text = "".join(f"[{e}]" if isinstance(e, int) else f".{e}" for e in operand.elements)
        return text.lstrip(".")
    if isinstance(operand, ast.Call):
        return f"{operand.name}("
    if isinstance(operand, ast.ValueRef):
        return operand.name
    return operand.op if isinstance(operand, ast.Arithmetic) else "?"


def _check_operand(operand: Any, errors: dict[str, str]) -> None:
    args: tuple[ast.Operand, ...]
    if isinstance(operand, ast.Arithmetic):
        name, args = operand.op, (operand.left, operand.right)
    elif isinstance(operand, ast.Call):
        name, args = operand.name, operand.args
    else:
        return
    for arg in args:
        _check_operand(arg, errors)
    if isinstance(operand, ast.Call) and name not in UPDATE_FUNCTIONS:
        errors.setdefault("unknown", f"Invalid function name; function: {name}")
        return
    expected = UPDATE_FUNCTIONS.get(name, 2)
    if len(args) != expected:
        errors.setdefault(
            "function",
            "Incorrect number of operands for operator or function; "
            f"operator or function: {name}, number of operands: {len(args)}",
        )
        return
    if name == "if_not_exists":
        if not isinstance(args[0], ast.Path):
            errors.setdefault(
                "function",
                f"Operator or function requires a document path; operator or function: {name}",
            )
        return
    wanted = "L" if name == "list_append" else "N"
    for arg in args:
        if isinstance(arg, ast.Literal) and arg.type() != wanted:
            errors.setdefault(
                "function",
                "Incorrect operand type for operator or function; "
                f"operator or function: {name}, operand type: {arg.type()}",
            )
            return


# ---- apply


def apply(node: ast.UpdateNode, item: ast.Item) -> tuple[ast.Item, set[str]]:
    """The updated item and the top-level attributes the update touched. `item` is never
    changed: the result is a new top-level dict whose untouched attributes are `item`'s own
    values (shared, not copied), and each M or L value on a written path is copied once
    before its first write (copy on write, not a deep copy of the whole item)."""
    original = item
    new = dict(item)
    copied: dict[int, ast.AttributeValue] = {}
    touched: set[str] = set()
    removes: list[tuple[str | int, ...]] = []
    for action in _in_index_order(node.actions):
        elements = ast.bound_elements(action.path)
        touched.add(str(elements[0]))
        _own_path(new, elements, copied)
        if isinstance(action, ast.SetAction):
            paths.set_value(new, elements, _value(action.value, original))
        elif isinstance(action, ast.RemoveAction):
            removes.append(elements)
        elif isinstance(action, ast.AddAction):
            _add(new, elements, _value(action.value, original), action.legacy)
        else:
            _delete(new, elements, _value(action.value, original), action.legacy)
    # Paths never overlap, so at the first difference two paths hold the same kind of element.
    for elements in sorted(removes, reverse=True):
        paths.remove(new, elements)
    return new, touched


def _own_path(item: ast.Item, elements: tuple[str | int, ...],
              copied: dict[int, ast.AttributeValue]) -> None:
    """Replace each M or L value that holds a later element of `elements` (all but the last
    element's own value) by a shallow copy, once per update (`copied` holds the copies made,
    by id, which also keeps each alive so no id is reused): writes at `elements` then change
    no container the original item shares. Stops at the first missing or mistyped step: the
    write then fails in paths as before."""
    container: dict[str, Any] | list[Any] = item
    for position in range(len(elements) - 1):
        element = elements[position]
        if isinstance(container, list):
            if not isinstance(element, int) or element >= len(container):
                return
            value = container[element]
        else:
            if not isinstance(element, str):
                return
            value = container.get(element)
        tag = "L" if isinstance(elements[position + 1], int) else "M"
        if not isinstance(value, dict) or tag not in value:
            return
        if id(value) not in copied:
            members = value[tag]
            value = {tag: list(members) if tag == "L" else dict(members)}
            copied[id(value)] = value
            if isinstance(container, list):
                assert isinstance(element, int)
                container[element] = value
            else:
                assert isinstance(element, str)
                container[element] = value
        container = value[tag]


def _in_index_order(actions: tuple[ast.UpdateAction, ...]) -> list[ast.UpdateAction]:
    """The actions, with those writing to indexes of one list sorted by index among themselves.

    AWS writes list elements in index order whatever their order in the expression, which shows
    when several land past the end: "SET c[4] = :x, c[2] = :y" on a two-element list appends y
    and then x (dynalite test/updateItem.js "should update nested attributes", recorded against
    AWS). Paths never overlap, so no other reordering can change the result.
    """
    ordered = list(actions)
    if len(ordered) < 2:
        return ordered
    lists: dict[tuple[str | int, ...], list[int]] = {}
    for position, action in enumerate(ordered):
        elements = ast.bound_elements(action.path)
        if not isinstance(action, ast.RemoveAction) and isinstance(elements[-1], int):
            lists.setdefault(elements[:-1], []).append(position)
    for positions in lists.values():
        by_index = sorted((ordered[p] for p in positions),
                          key=lambda a: ast.bound_elements(a.path)[-1])
        for position, action in zip(positions, by_index, strict=True):
            ordered[position] = action
    return ordered


def _value(operand: Any, item: ast.Item) -> ast.AttributeValue:
    if isinstance(operand, ast.Literal):
        return operand.value
    if isinstance(operand, ast.Path):
        found = paths.get(item, ast.bound_elements(operand))
        if found is None:
            raise ValidationException(MISSING_ATTRIBUTE)
        return found
    if isinstance(operand, ast.Call) and operand.name == "if_not_exists":
        target = operand.args[0]
        if not isinstance(target, ast.Path):  # check() reports it first
            raise invalid(KIND, "Operator or function requires a document path; "
                                "operator or function: if_not_exists")
        found = paths.get(item, ast.bound_elements(target))
        return found if found is not None else _value(operand.args[1], item)
    if isinstance(operand, ast.Call) and operand.name == "list_append":
        first, second = (_value(arg, item) for arg in operand.args)
        if "L" not in first or "L" not in second:
            raise ValidationException(WRONG_TYPE)
        return {"L": first["L"] + second["L"]}
    if isinstance(operand, ast.Call):  # check() reports it first; never evaluate a guess
        raise invalid(KIND, f"Invalid function name; function: {operand.name}")
    if not isinstance(operand, ast.Arithmetic):
        raise ValidationException(WRONG_TYPE)
    from headwater.dynamodb.numbers import add_numbers, subtract_numbers

    left, right = _value(operand.left, item), _value(operand.right, item)
    if "N" not in left or "N" not in right:
        raise ValidationException(WRONG_TYPE)
    combine = add_numbers if operand.op == "+" else subtract_numbers
    return {"N": combine(left["N"], right["N"])}


def _add(
    item: ast.Item, elements: tuple[str | int, ...], value: ast.AttributeValue, legacy: bool
) -> None:
    from headwater.dynamodb.numbers import add_numbers

    existing = paths.get(item, elements)
    if existing is None:
        paths.set_value(item, elements, copy.deepcopy(value))
        return
    kind = values.av_type(value)
    if values.av_type(existing) != kind:
        raise ValidationException(LEGACY_WRONG_TYPE if legacy else WRONG_TYPE)
    result: ast.AttributeValue
    if kind == "N":
        result = {"N": add_numbers(existing["N"], value["N"])}
    elif kind in values.SET_TYPES:
        seen = {values.element_key(kind, e) for e in existing[kind]}
        merged = list(existing[kind])
        for element in value[kind]:
            key = values.element_key(kind, element)
            if key not in seen:
                seen.add(key)
                merged.append(element)
        result = {kind: merged}
    elif kind == "L" and legacy:
        result = {"L": existing["L"] + copy.deepcopy(value["L"])}
    else:
        raise ValidationException(WRONG_TYPE)
    paths.set_value(item, elements, result)


def _delete(
    item: ast.Item, elements: tuple[str | int, ...], value: ast.AttributeValue, legacy: bool
) -> None:
    existing = paths.get(item, elements)
    if existing is None:
        return
    kind = values.av_type(value)
    if values.av_type(existing) != kind:
        raise ValidationException(LEGACY_WRONG_TYPE if legacy else WRONG_TYPE)
    doomed = {values.element_key(kind, e) for e in value[kind]}
    kept = [e for e in existing[kind] if values.element_key(kind, e) not in doomed]
    if kept:
        paths.set_value(item, elements, {kind: kept})
    else:
        paths.remove(item, elements)
