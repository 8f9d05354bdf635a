"""Bind a parsed tree to one request's ExpressionAttributeNames and ExpressionAttributeValues.

Binding replaces `#name` and `:value` placeholders, records which ones were used (for the
"unused in expressions" check) and reports undefined ones with AWS's messages.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

from headwater.dynamodb.expressions import ast
from headwater.dynamodb.expressions.parser import invalid, parse


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


# ---- a bound template per expression text and names: only the values bound per request


@dataclasses.dataclass(frozen=True, slots=True)
class _Template:
    node: Any  # names bound; ValueRef nodes left in place
    used_names: frozenset[str]
    value_names: frozenset[str]
    substitute: Callable[[dict[str, ast.AttributeValue]], Any] | None  # None: no values


class _NameBinder(Binder):
    """Binds names only, leaving each `:value` as it is (noted in used_values)."""

    def _bind(self, node: Any) -> Any:
        if isinstance(node, ast.ValueRef):
            self.used_values.add(node.name)
            return node
        return super()._bind(node)


@functools.lru_cache(maxsize=4096)
def _template(kind: str, text: str, names_key: tuple[tuple[str, str], ...]) -> _Template | None:
    """The tree of `text` with these names bound, or None when a name is undefined (the
    general Binder then reports it, in AWS's order among the value errors)."""
    binder = _NameBinder(kind, dict(names_key), None)
    node = binder._bind(parse(kind, text))
    if binder.error is not None:
        return None
    return _Template(node, frozenset(binder.used_names), frozenset(binder.used_values),
                     _substituter(node))


def bind_cached(kind: str, text: str, names: dict[str, str] | None,
                values: dict[str, ast.AttributeValue] | None
                ) -> tuple[Any, frozenset[str], frozenset[str]] | None:
    """The tree of `text` bound to `names` and `values` with the names' binding done once
    per (text, names): (tree, used names, used values), or None when a name or a value is
    undefined (the caller then binds with Binder, which raises AWS's error)."""
    try:
        template = _template(kind, text, tuple(names.items()) if names else ())
    except TypeError:  # an unhashable name: never cached
        return None
    if template is None:
        return None
    if template.substitute is None:
        return template.node, template.used_names, template.value_names
    if values is None or not template.value_names <= values.keys():
        return None
    return template.substitute(values), template.used_names, template.value_names


def bind_text(kind: str, text: str, names: dict[str, str] | None,
              values: dict[str, ast.AttributeValue] | None, names_first: bool = False
              ) -> tuple[Any, frozenset[str], frozenset[str]]:
    """`text` parsed and bound: (tree, used names, used values). From the template cached per
    (text, names) when every name and value is defined, else by the general Binder, which
    raises AWS's error for the first undefined one (`names_first`: names before values, as
    UpdateExpression reports them)."""
    bound = bind_cached(kind, text, names, values)
    if bound is not None:
        return bound
    binder = Binder(kind, names, values, names_first=names_first)
    node = binder.bind(parse(kind, text))
    return node, frozenset(binder.used_names), frozenset(binder.used_values)


def _substituter(node: Any) -> Callable[[dict[str, ast.AttributeValue]], Any] | None:
    """A function building `node` with each ValueRef replaced by a Literal of its value;
    None when `node` holds no ValueRef (it is then used as it is)."""
    if isinstance(node, ast.ValueRef):
        name = node.name
        return lambda values: ast.Literal(values[name])
    if isinstance(node, tuple):
        parts = [_substituter(child) for child in node]
        if all(part is None for part in parts):
            return None
        children = node
        return lambda values: tuple(
            child if part is None else part(values)
            for child, part in zip(children, parts, strict=True))
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        # The tree's dataclasses take every field in __init__, in field order.
        fields = [getattr(node, f.name) for f in dataclasses.fields(node)]
        parts = [_substituter(value) for value in fields]
        if all(part is None for part in parts):
            return None
        build = type(node)
        return lambda values: build(*[
            value if part is None else part(values)
            for value, part in zip(fields, parts, strict=True)])
    return None
