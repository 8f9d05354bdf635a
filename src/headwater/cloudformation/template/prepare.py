"""A template made ready to deploy: parsed, transforms applied, sections checked, parameters
validated, conditions evaluated, the resources the conditions keep, their dependencies (cycles
and unresolved references refused) and their properties checked against the provider schemas,
all before anything is created."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from headwater.cloudformation.errors import ValidationError, template_error
from headwater.cloudformation.template import conditions, graph, loading, parameters, sam, schemas
from headwater.cloudformation.template.intrinsics import Scope

SECTIONS = frozenset({"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters",
                      "Rules", "Mappings", "Conditions", "Transform", "Resources", "Outputs",
                      "Hooks"})
RESOURCE_KEYS = frozenset({"Type", "Properties", "DependsOn", "Condition", "DeletionPolicy",
                           "UpdateReplacePolicy", "Metadata", "CreationPolicy", "UpdatePolicy"})


@dataclass
class Prepared:
    original: dict[str, Any]
    template: dict[str, Any]  # transforms applied
    parameters: dict[str, str]
    scope: Scope
    resources: dict[str, dict[str, Any]]  # those the conditions keep
    needs: dict[str, set[str]]

    @property
    def outputs(self) -> dict[str, Any]:
        return dict(self.template.get("Outputs") or {})


def pseudo_parameters(account: str, region: str, stack_name: str, stack_id: str,
                      notification_arns: list[str]) -> dict[str, Any]:
    return {"AWS::AccountId": account, "AWS::Region": region, "AWS::StackName": stack_name,
            "AWS::StackId": stack_id, "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com",
            "AWS::NotificationARNs": list(notification_arns)}


def parse(body: str) -> dict[str, Any]:
    template = loading.load(body)
    allowed = SECTIONS | ({"Globals"} if sam.transforms(template) else set())
    unknown = sorted(key for key in template if key not in allowed)
    if unknown:
        raise template_error(f"Invalid template property or properties [{', '.join(unknown)}]")
    return template


def prepare(body: str, given: dict[str, str], pseudo: dict[str, Any],
            previous: dict[str, str] | None = None) -> Prepared:
    original = parse(body)
    strings = parameters.values(original, given, previous)
    typed = parameters.typed(original, strings)
    template = sam.expand(original, typed, pseudo)
    if template is not original:
        strings = parameters.values(template, {k: v for k, v in strings.items()
                                               if k in (template.get("Parameters") or {})})
        typed = parameters.typed(template, strings)
    resources = template.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise template_error("At least one Resources member must be defined.")
    _check_resources(resources)
    scope = Scope(pseudo, typed, dict(template.get("Mappings") or {}))
    section = template.get("Conditions") or {}
    if not isinstance(section, dict):
        raise template_error("Conditions section must be a map")
    conditions.evaluate(section, scope)
    kept = {}
    for logical, resource in resources.items():
        condition = resource.get("Condition")
        if condition is not None:
            if condition not in scope.conditions:
                raise template_error(f"Unresolved dependencies [{condition}]. Cannot reference "
                                     "resources in the Conditions block of the template")
            if not scope.conditions[condition]:
                continue
        kept[logical] = resource
    known = set(typed) | set(pseudo)
    needs = graph.dependencies(kept, known, scope.conditions)
    _check_outputs(template, kept, known, scope)
    _check_properties(kept)
    return Prepared(original, template, strings, scope, kept, needs)


def _check_resources(resources: dict[str, Any]) -> None:
    unknown_types = []
    for logical, resource in resources.items():
        if not isinstance(resource, dict) or "Type" not in resource:
            raise template_error(f"[/Resources/{logical}] Every Resources object must contain "
                                 "a Type member.")
        extra = sorted(key for key in resource if key not in RESOURCE_KEYS)
        if extra:
            raise template_error(f"Invalid template resource property '{extra[0]}'")
        if not isinstance(resource["Type"], str) or not schemas.known(resource["Type"]):
            unknown_types.append(str(resource["Type"]))
        properties = resource.get("Properties", {})
        if not isinstance(properties, dict):
            raise template_error(f"[/Resources/{logical}/Properties] 'null' values are not "
                                 "allowed in templates" if properties is None else
                                 f"[/Resources/{logical}/Properties] must be an object")
    if unknown_types:
        raise template_error(f"Unrecognized resource types: [{', '.join(unknown_types)}]")


def _check_outputs(template: dict[str, Any], kept: dict[str, Any], known: set[str],
                   scope: Scope) -> None:
    outputs = template.get("Outputs") or {}
    if not isinstance(outputs, dict):
        raise template_error("Outputs section must be a map")
    for name, output in outputs.items():
        if not isinstance(output, dict) or "Value" not in output:
            raise template_error(f"Every Outputs member must contain a Value object, the "
                                 f"Output {name} is missing the Value object")
        condition = output.get("Condition")
        if condition is not None and not scope.conditions.get(condition, False):
            continue
        refs, atts = graph.references(output, scope.conditions)
        missing = sorted(n for n in refs if n not in kept and n not in known)
        if missing:
            raise template_error(f"Unresolved resource dependencies [{', '.join(missing)}] in "
                                 "the Outputs block of the template")
        for logical in atts:
            if logical not in kept:
                raise ValidationError(f"Template error: instance of Fn::GetAtt references "
                                      f"undefined resource {logical}")


def _check_properties(kept: dict[str, Any]) -> None:
    for logical, resource in kept.items():
        found = schemas.problems(resource["Type"], resource.get("Properties") or {})
        if found:
            raise ValidationError(f"Properties validation failed for resource {logical} with "
                                  f"message:\n" + "\n".join(found))
