"""Bind a parsed statement to its `Parameters`, and find the key a WHERE clause names.

AWS: too few parameters fail; extra ones are ignored (as DynamoDB Local records show).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.expressions import ast
from headwater.dynamodb.keys import check_key_attribute
from headwater.dynamodb.partiql import statements as st
from headwater.dynamodb.partiql.literals import ListValue, MapValue
from headwater.dynamodb.table import Table
from headwater.dynamodb.values import check_value, value_type

PARAMETER_COUNT = "Number of parameters in request and statement don't match."
INCOMPLETE_KEY = "Where clause does not contain a mandatory equality on all key attributes"
KEY_TYPE = "Key attribute's data type should match its data type in table's schema: Key {}"


def bind(parsed: st.Parsed, parameters: list[Any] | None) -> st.Statement:
    """The statement with every `?` and composite literal replaced by attribute values."""
    given = parameters or []
    if len(given) < parsed.parameters:
        raise ValidationException(PARAMETER_COUNT)
    values = [check_value(p) for p in given[: parsed.parameters]]
    if not values:
        return parsed.statement
    bound: st.Statement = _bind(parsed.statement, values)
    return bound


def _value(node: Any, values: list[ast.AttributeValue]) -> ast.AttributeValue:
    literal = _bind(node, values)
    assert isinstance(literal, ast.Literal)
    return literal.value


def _bind(node: Any, values: list[ast.AttributeValue]) -> Any:
    if isinstance(node, ast.ValueRef):
        return ast.Literal(values[int(node.name[1:])])
    if isinstance(node, MapValue):
        return ast.Literal({"M": {name: _value(v, values) for name, v in node.members}})
    if isinstance(node, ListValue):
        return ast.Literal({"L": [_value(v, values) for v in node.items]})
    if isinstance(node, tuple):
        return tuple(_bind(n, values) for n in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type | ast.Path | ast.Literal):
        changes = {
            f.name: _bind(getattr(node, f.name), values)
            for f in dataclasses.fields(node)
            if not isinstance(getattr(node, f.name), str | int | bool | None)
        }
        return dataclasses.replace(node, **changes)
    return node


def conjuncts(node: Any) -> list[Any]:
    if isinstance(node, ast.And):
        return conjuncts(node.left) + conjuncts(node.right)
    return [] if node is None else [node]


def key_equalities(table: Table, where: Any) -> dict[str, ast.AttributeValue]:
    """Key attribute -> value for each top-level `key = literal` conjunct of WHERE."""
    found: dict[str, ast.AttributeValue] = {}
    for term in conjuncts(where):
        if not isinstance(term, ast.Compare) or term.op != "=":
            continue
        for path, other in ((term.left, term.right), (term.right, term.left)):
            if (isinstance(path, ast.Path) and len(path.elements) == 1
                    and path.elements[0] in table.key_names and isinstance(other, ast.Literal)
                    and path.elements[0] not in found):
                found[str(path.elements[0])] = other.value
    for name, value in found.items():
        check_key_value(table, name, value)
    return found


def check_key_value(table: Table, name: str, value: ast.AttributeValue) -> None:
    is_hash = name == table.hash_name
    expected = table.hash_type if is_hash else table.range_type
    if value_type(value) != expected:
        raise ValidationException(KEY_TYPE.format(name))
    check_key_attribute(name, value, str(expected), is_hash)


def full_key(table: Table, where: Any) -> dict[str, ast.AttributeValue]:
    """The whole primary key a write's WHERE names, or AWS's error."""
    found = key_equalities(table, where)
    if len(found) != len(table.key_names):
        raise ValidationException(INCOMPLETE_KEY)
    return {name: found[name] for name in table.key_names}
