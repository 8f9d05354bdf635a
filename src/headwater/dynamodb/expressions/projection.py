"""Projection expressions (and AttributesToGet): pick document paths out of an item.

The result keeps the nesting of each path: `a.b[1]` gives {"a": {"M": {"b": {"L": [elem]}}}};
several indexes into one list keep the list's order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from headwater.dynamodb.expressions import ast, paths
from headwater.dynamodb.expressions.binding import bind_text
from headwater.dynamodb.expressions.parser import invalid

KIND = "ProjectionExpression"


@dataclass(frozen=True)
class Projection:
    node: ast.ProjectionNode
    used_names: frozenset[str] = field(default_factory=frozenset)
    used_values: frozenset[str] = field(default_factory=frozenset)

    @property
    def top_level_names(self) -> list[str]:
        return list(dict.fromkeys(str(p.elements[0]) for p in self.node.paths))

    def apply(self, item: ast.Item) -> ast.Item:
        tree: dict[Any, Any] = {}
        for path in self.node.paths:
            elements = ast.bound_elements(path)
            value = paths.get(item, elements)
            if value is None:
                continue
            branch = tree
            for element, following in zip(elements, elements[1:], strict=False):
                kind = "L" if isinstance(following, int) else "M"
                branch = branch.setdefault(element, (kind, {}))[1]
            branch[elements[-1]] = ("value", value)
        return {name: _materialize(node) for name, node in tree.items()}


def _materialize(node: tuple[str, Any]) -> ast.AttributeValue:
    kind, content = node
    if kind == "value":
        result: ast.AttributeValue = content
        return result
    if kind == "L":
        return {"L": [_materialize(content[index]) for index in sorted(content)]}
    return {"M": {name: _materialize(child) for name, child in content.items()}}


def compile_projection(expression: str, names: dict[str, str] | None) -> Projection:
    node: ast.ProjectionNode
    node, used_names, _values = bind_text(KIND, expression, names, None)
    clash = paths.first_clash([ast.bound_elements(p) for p in node.paths])
    if clash:
        raise invalid(KIND, clash)
    return Projection(node, used_names)
