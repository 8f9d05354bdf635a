"""Parsed PartiQL statements.

Conditions and update actions are expression trees from `expressions/ast.py`: literals are
already attribute values (`ast.Literal`), and each `?` is a placeholder `ast.ValueRef(":<n>")`
(n counted from 0 in source order) that binding replaces with `Parameters[n]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from headwater.dynamodb.expressions import ast

READ, WRITE = "read", "write"


@dataclass(frozen=True, slots=True)
class Returning:
    mode: str  # "ALL OLD", "ALL NEW", "MODIFIED OLD", "MODIFIED NEW"


@dataclass(frozen=True, slots=True)
class Select:
    table: str
    index: str | None
    paths: tuple[ast.Path, ...] | None  # None: `*`
    where: ast.ConditionNode | None
    order_by: tuple[tuple[ast.Path, bool], ...] = ()  # (path, descending) per ORDER BY term
    kind: str = READ


@dataclass(frozen=True, slots=True)
class Insert:
    table: str
    item: Any  # a struct value: ast.Literal, or a tree holding ValueRefs (see parser._Value)
    kind: str = WRITE


@dataclass(frozen=True, slots=True)
class Update:
    table: str
    actions: tuple[ast.UpdateAction, ...]
    where: ast.ConditionNode | None
    returning: Returning | None
    kind: str = WRITE


@dataclass(frozen=True, slots=True)
class Delete:
    table: str
    where: ast.ConditionNode | None
    returning: Returning | None
    kind: str = WRITE


@dataclass(frozen=True, slots=True)
class Exists:
    """EXISTS(SELECT ...): a condition check, allowed only in ExecuteTransaction."""

    select: Select
    kind: str = WRITE

    @property
    def table(self) -> str:
        return self.select.table


Statement = Select | Insert | Update | Delete | Exists


@dataclass(frozen=True, slots=True)
class Parsed:
    statement: Statement
    parameters: int  # how many `?` the text holds
