"""Bind a parsed tree to one request's ExpressionAttributeNames and ExpressionAttributeValues.

Binding replaces `#name` and `:value` placeholders, records which ones were used (for the
"unused in expressions" check) and reports undefined ones with AWS's messages.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from headwater.dynamodb.expressions import ast
from headwater.dynamodb.expressions.parser import invalid


class Binder:
    def __init__(
        self,
        kind: str,
        names: dict[str, str] | None,
        values: dict[str, ast.AttributeValue] | None,
        names_first: bool = False,
    ) -> None:
        self.kind = kind
        self.names = names or {}
        self.values = values or {}
        self.names_first = names_first  # UpdateExpression reports names before values
        self.used_names: set[str] = set()
        self.used_values: set[str] = set()
        self.error: str | None = None
        self.name_error: str | None = None

    def bind(self, node: Any) -> Any:
        bound = self._bind(node)
        error = self.name_error if self.names_first and self.name_error else self.error
        if error:
            raise invalid(self.kind, error)
        return bound

    def _note(self, message: str, is_name: bool) -> None:
        if self.error is None:
            self.error = message
        if is_name and self.name_error is None:
            self.name_error = message

    def _bind(self, node: Any) -> Any:
        if isinstance(node, ast.Path):
            return ast.Path(tuple(self._element(e) for e in node.elements))
        if isinstance(node, ast.ValueRef):
            if node.name not in self.values:
                self._note(
                    "An expression attribute value used in expression is not defined; "
                    f"attribute value: {node.name}",
                    is_name=False,
                )
                return ast.Literal({"NULL": True})
            self.used_values.add(node.name)
            return ast.Literal(self.values[node.name])
        if isinstance(node, tuple):
            return tuple(self._bind(n) for n in node)
        if dataclasses.is_dataclass(node) and not isinstance(node, type):
            changes = {
                f.name: self._bind(getattr(node, f.name))
                for f in dataclasses.fields(node)
                if not isinstance(getattr(node, f.name), str | int | bool)
            }
            return dataclasses.replace(node, **changes)
        return node

    def _element(self, element: ast.PathElement) -> str | int:
        if not isinstance(element, ast.NameRef):
            return element
        if element.name not in self.names:
            self._note(
                "An expression attribute name used in the document path is not defined; "
                f"attribute name: {element.name}",
                is_name=True,
            )
            return element.name
        self.used_names.add(element.name)
        return self.names[element.name]
