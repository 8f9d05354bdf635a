"""The Conditions section evaluated once per deployment: each condition a boolean from
Fn::Equals/And/Or/Not over parameters, pseudo parameters, mappings and other conditions
(`Condition: Name`); a cycle among conditions is refused."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation.template.intrinsics import Scope, resolve, template_error


def evaluate(conditions: dict[str, Any], scope: Scope) -> dict[str, bool]:
    """Every condition's value; `scope.conditions` is filled as they are found."""
    evaluating: set[str] = set()

    def value(name: str) -> bool:
        if name in scope.conditions:
            return scope.conditions[name]
        if name not in conditions:
            raise template_error(f"Unresolved condition dependency {name} in Fn::If")
        if name in evaluating:
            raise template_error(f"Circular dependency between conditions: {name}")
        evaluating.add(name)
        _needed(conditions[name], value)
        result = resolve(conditions[name], scope)
        evaluating.discard(name)
        if isinstance(result, str) and result.lower() in ("true", "false"):
            result = result.lower() == "true"
        if not isinstance(result, bool):
            raise template_error(f"Condition {name} must be a condition function")
        scope.conditions[name] = result
        return result

    for name in conditions:
        value(name)
    return scope.conditions


def _needed(expression: Any, value: Any) -> None:
    """Evaluate the conditions `expression` names first (`Condition: Other`)."""
    if isinstance(expression, dict):
        for key, item in expression.items():
            if key == "Condition" and isinstance(item, str):
                value(item)
            else:
                _needed(item, value)
    elif isinstance(expression, list):
        for item in expression:
            _needed(item, value)
