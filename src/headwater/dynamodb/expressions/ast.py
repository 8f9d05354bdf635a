"""Expression syntax trees: document paths, operands, conditions and update actions.

A tree straight from the parser still holds `#name` and `:value` placeholders (NameRef,
ValueRef); binding replaces them with the request's attribute names and values (Literal), so a
bound tree holds only plain path elements and wire attribute values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias, TypeGuard

AttributeValue: TypeAlias = dict[str, Any]
Item: TypeAlias = dict[str, AttributeValue]


@dataclass(frozen=True, slots=True)
class NameRef:
    """An expression attribute name placeholder such as `#n`."""

    name: str


PathElement: TypeAlias = str | int | NameRef


@dataclass(frozen=True, slots=True)
class Path:
    """A document path: attribute names (str) and list indexes (int)."""

    elements: tuple[PathElement, ...]

    def __str__(self) -> str:
        """AWS renders paths in messages as `[a, b, [1]]`."""
        parts = (f"[{e}]" if isinstance(e, int) else str(e) for e in self.elements)
        return "[" + ", ".join(parts) + "]"


def bound_elements(path: Path) -> tuple[str | int, ...]:
    """The elements of a bound path: binding has replaced every NameRef with its name."""
    elements = path.elements
    if not _is_bound(elements):
        raise TypeError(f"path {path} still holds a #name placeholder")
    return elements


def _is_bound(elements: tuple[PathElement, ...]) -> TypeGuard[tuple[str | int, ...]]:
    return not any(isinstance(e, NameRef) for e in elements)


@dataclass(frozen=True, slots=True)
class ValueRef:
    """An expression attribute value placeholder such as `:v`."""

    name: str


@dataclass(frozen=True, slots=True)
class Literal:
    """A bound attribute value."""

    value: AttributeValue

    def type(self) -> str:
        return next(iter(self.value))


@dataclass(frozen=True, slots=True)
class Call:
    """A function call: size(a), if_not_exists(a, :v), begins_with(a, :p)..."""

    name: str
    args: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """`x + y` or `x - y` on the right-hand side of a SET action."""

    op: str
    left: Operand
    right: Operand


Operand: TypeAlias = Path | ValueRef | Literal | Call | Arithmetic


@dataclass(frozen=True, slots=True)
class Compare:
    op: str  # = <> < <= > >=
    left: Operand
    right: Operand


@dataclass(frozen=True, slots=True)
class Between:
    operand: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True, slots=True)
class In:
    operand: Operand
    options: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class FunctionCondition:
    """A boolean function used as a condition: attribute_exists(a), contains(a, :v)..."""

    call: Call


@dataclass(frozen=True, slots=True)
class And:
    left: ConditionNode
    right: ConditionNode


@dataclass(frozen=True, slots=True)
class Or:
    left: ConditionNode
    right: ConditionNode


@dataclass(frozen=True, slots=True)
class Not:
    operand: ConditionNode


@dataclass(frozen=True, slots=True)
class Parens:
    """Kept so that `((a = b))` can be reported as redundant; transparent when evaluating."""

    inner: ConditionNode


ConditionNode: TypeAlias = Compare | Between | In | FunctionCondition | And | Or | Not | Parens


@dataclass(frozen=True, slots=True)
class SetAction:
    path: Path
    value: Operand


@dataclass(frozen=True, slots=True)
class RemoveAction:
    path: Path


@dataclass(frozen=True, slots=True)
class AddAction:
    path: Path
    value: Operand
    legacy: bool = False  # AttributeUpdates ADD also appends to lists


@dataclass(frozen=True, slots=True)
class DeleteAction:
    path: Path
    value: Operand
    legacy: bool = False  # AttributeUpdates DELETE reports type errors in its own words


UpdateAction: TypeAlias = SetAction | RemoveAction | AddAction | DeleteAction


@dataclass(frozen=True, slots=True)
class UpdateNode:
    actions: tuple[UpdateAction, ...]
    sections: tuple[str, ...]  # section keywords in source order, duplicates included


@dataclass(frozen=True, slots=True)
class ProjectionNode:
    paths: tuple[Path, ...]
