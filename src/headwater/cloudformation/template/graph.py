"""Which resources a resource needs (Ref, Fn::GetAtt, Fn::Sub variables, DependsOn; Fn::If
branches not taken do not count) and the order that follows. A reference to something the
template does not declare, and a cycle, are refused before anything is created, in
CloudFormation's words."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation.errors import ValidationError, template_error
from headwater.cloudformation.template.intrinsics import (
    SUB_VARIABLE,
    function_of,
    split_get_att,
)


def references(value: Any, conditions: dict[str, bool]) -> tuple[set[str], set[str]]:
    """(names Ref and Fn::Sub name, logical ids Fn::GetAtt names) in `value`."""
    refs: set[str] = set()
    atts: set[str] = set()

    def walk(item: Any) -> None:
        name = function_of(item)
        if name == "Ref":
            if isinstance(item[name], str):
                refs.add(item[name])
            return
        if name == "Fn::GetAtt":
            try:
                atts.add(split_get_att(item[name])[0])
            except ValidationError:
                pass
            return
        if name == "Fn::Sub":
            argument = item[name]
            text, variables = (argument, {}) if isinstance(argument, str) else (
                (argument[0], argument[1]) if isinstance(argument, list) and len(argument) == 2
                and isinstance(argument[0], str) and isinstance(argument[1], dict)
                else ("", {}))
            walk(variables)
            for found in SUB_VARIABLE.findall(text):
                if found.startswith("!") or found.strip() in variables:
                    continue
                head, dot, _ = found.strip().partition(".")
                (atts if dot else refs).add(head)
            return
        if name == "Fn::If" and isinstance(item[name], list) and len(item[name]) == 3 \
                and item[name][0] in conditions:
            walk(item[name][1] if conditions[item[name][0]] else item[name][2])
            return
        if isinstance(item, dict):
            for child in item.values():
                walk(child)
        elif isinstance(item, list):
            for child in item:
                walk(child)

    walk(value)
    return refs, atts


def dependencies(resources: dict[str, dict[str, Any]], known: set[str],
                 conditions: dict[str, bool]) -> dict[str, set[str]]:
    """Each resource's dependencies among `resources`; `known` are the other names a Ref may
    use (parameters, pseudo parameters)."""
    out: dict[str, set[str]] = {}
    unresolved: list[str] = []
    for logical, resource in resources.items():
        body = {key: value for key, value in resource.items()
                if key not in ("DependsOn", "Condition", "Type", "DeletionPolicy",
                               "UpdateReplacePolicy")}
        refs, atts = references(body, conditions)
        needs = set()
        for name in sorted(refs):
            if name in resources:
                needs.add(name)
            elif name not in known and not name.startswith("AWS::"):
                unresolved.append(name)
        for name in sorted(atts):
            if name not in resources:
                raise ValidationError(f"Template error: instance of Fn::GetAtt references "
                                      f"undefined resource {name}")
            needs.add(name)
        depends = resource.get("DependsOn") or []
        for name in [depends] if isinstance(depends, str) else depends:
            if name not in resources:
                unresolved.append(str(name))
            needs.add(str(name))
        out[logical] = needs
    if unresolved:
        raise template_error(f"Unresolved resource dependencies [{', '.join(unresolved)}] in "
                             "the Resources block of the template")
    _check_acyclic(out)
    return out


def _check_acyclic(needs: dict[str, set[str]]) -> None:
    remaining = {name: set(deps) for name, deps in needs.items()}
    while remaining:
        ready = [name for name, deps in remaining.items() if not deps & remaining.keys()]
        if not ready:
            raise ValidationError("Circular dependency between resources: "
                                  f"[{', '.join(sorted(remaining))}]")
        for name in ready:
            del remaining[name]


def dependents(needs: dict[str, set[str]]) -> dict[str, set[str]]:
    """The reverse graph: who needs each resource (delete order)."""
    out: dict[str, set[str]] = {name: set() for name in needs}
    for name, deps in needs.items():
        for dep in deps:
            out.setdefault(dep, set()).add(name)
    return out
