"""PartiQL literal values: Ion-like strings, numbers, bags (sets), structs and lists.

A literal without parameters becomes an attribute value while parsing; a struct or list that
holds `?` stays a MapValue or ListValue until its parameters are bound (binding.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from headwater.dynamodb.expressions import ast
from headwater.wire.errors import ValidationException

EMPTY_BAG = "Empty bags are not supported"
BAG_TYPES = "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"
BAG_DUPLICATES = "Input collection contains duplicates"


@dataclass(frozen=True, slots=True)
class MapValue:
    """A struct literal holding parameters: bound to {"M": ...} once parameters are known."""

    members: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class ListValue:
    """A list literal holding parameters: bound to {"L": [...]} once parameters are known."""

    items: tuple[Any, ...]


def bag(elements: list[ast.AttributeValue]) -> ast.Literal:
    if not elements:
        raise ValidationException(EMPTY_BAG)
    kinds = {next(iter(e)) for e in elements}
    if len(kinds) != 1 or kinds - {"S", "N"}:
        raise ValidationException(BAG_TYPES)
    kind = kinds.pop()
    members = [e[kind] for e in elements]
    if len(set(members)) != len(members):
        raise ValidationException(BAG_DUPLICATES)
    return ast.Literal({kind + "S": members})


def constant(value: Any) -> ast.AttributeValue | None:
    return value.value if isinstance(value, ast.Literal) else None


def unquote(text: str, quote: str) -> str:
    return text[1:-1].replace(quote * 2, quote)
