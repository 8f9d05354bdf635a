"""GetTemplate, GetTemplateSummary and ValidateTemplate: a stack's (or change set's) template
as submitted (Original) or with transforms applied (Processed), and what a template declares:
parameters, capabilities it needs, resource types, transforms."""

from __future__ import annotations

from typing import Any

import orjson

from headwater.cloudformation import lookup
from headwater.cloudformation.context import RequestContext
from headwater.cloudformation.errors import InsufficientCapabilitiesException, ValidationError
from headwater.cloudformation.submission import check_capabilities, template_body
from headwater.cloudformation.template import parameters, sam
from headwater.cloudformation.template.prepare import parse


def get_template(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    if request.get("ChangeSetName"):
        found = lookup.change_set(ctx, request["ChangeSetName"], request.get("StackName"))
        body, processed = found.template_body, found.template
    elif request.get("StackName"):
        stack = lookup.stack(ctx, request["StackName"])
        body, processed = stack.template_body, stack.template
    else:
        raise ValidationError("Either StackName or ChangeSetName must be specified.")
    stages = ["Original", "Processed"]
    if request.get("TemplateStage") == "Processed":
        return {"TemplateBody": orjson.dumps(processed).decode(), "StagesAvailable": stages}
    return {"TemplateBody": body, "StagesAvailable": stages}


def _declared(template: dict[str, Any], with_constraints: bool) -> list[dict[str, Any]]:
    out = []
    for item in parameters.declarations(template):
        entry: dict[str, Any] = {"ParameterKey": item.name, "NoEcho": item.no_echo}
        if "Default" in item.declaration:
            default = item.declaration["Default"]
            entry["DefaultValue"] = (",".join(map(str, default)) if isinstance(default, list)
                                     else str(default))
        if "Description" in item.declaration:
            entry["Description"] = str(item.declaration["Description"])
        if with_constraints:
            entry["ParameterType"] = item.type
            allowed = item.declaration.get("AllowedValues")
            entry["ParameterConstraints"] = ({"AllowedValues": [str(v) for v in allowed]}
                                             if allowed else {})
        out.append(entry)
    return out


def _capabilities(template: dict[str, Any]) -> tuple[list[str], str | None]:
    for granted in ([], ["CAPABILITY_IAM"]):
        try:
            check_capabilities(template, template, granted, change_set=True)
        except InsufficientCapabilitiesException as error:
            needed = error.message.split("[")[1].rstrip("]")
            if needed == "CAPABILITY_IAM" and granted:
                continue
            return [needed], ("The following resource(s) require capabilities: "
                              f"[{', '.join(_iam_types(template))}]")
    return [], None


def _iam_types(template: dict[str, Any]) -> list[str]:
    return sorted({r["Type"] for r in (template.get("Resources") or {}).values()
                   if isinstance(r, dict) and str(r.get("Type", "")).startswith("AWS::IAM::")})


def get_template_summary(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    if request.get("StackName"):
        template = parse(lookup.stack(ctx, request["StackName"]).template_body)
    else:
        template = parse(template_body(ctx, request))
    capabilities, why = _capabilities(template)
    out: dict[str, Any] = {
        "Parameters": _declared(template, with_constraints=True),
        "Capabilities": capabilities,
        "ResourceTypes": sorted({str(r.get("Type")) for r in
                                 (template.get("Resources") or {}).values()
                                 if isinstance(r, dict)}),
        "Version": str(template.get("AWSTemplateFormatVersion", "2010-09-09")),
        "DeclaredTransforms": sam.transforms(template),
    }
    if why:
        out["CapabilitiesReason"] = why
    if template.get("Description") is not None:
        out["Description"] = str(template["Description"])
    if template.get("Metadata") is not None:
        out["Metadata"] = orjson.dumps(template["Metadata"]).decode()
    return out


def validate_template(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    template = parse(template_body(ctx, request))
    if not sam.transforms(template) and not isinstance(template.get("Resources"), dict):
        raise ValidationError("Template format error: At least one Resources member must be "
                              "defined.")
    capabilities, why = _capabilities(template)
    out: dict[str, Any] = {"Parameters": _declared(template, with_constraints=False),
                           "Capabilities": capabilities,
                           "DeclaredTransforms": sam.transforms(template)}
    if why:
        out["CapabilitiesReason"] = why
    if template.get("Description") is not None:
        out["Description"] = str(template["Description"])
    return out
