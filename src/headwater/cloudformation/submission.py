"""What CreateStack, UpdateStack and CreateChangeSet share: the template body (TemplateURL is
refused: send the body), the parameter list as a dict, the stack's pseudo parameters, the
capabilities a template needs ("Requires capabilities : [CAPABILITY_IAM]"), and the stack
name's pattern."""

from __future__ import annotations

import re
from typing import Any

from headwater.cloudformation.errors import InsufficientCapabilitiesException, ValidationError
from headwater.cloudformation.template import sam

STACK_NAME = re.compile(r"[a-zA-Z][-a-zA-Z0-9]*")
IAM_TYPES = {"AWS::IAM::Role": "RoleName", "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
             "AWS::IAM::User": "UserName", "AWS::IAM::Group": "GroupName",
             "AWS::IAM::Policy": None, "AWS::IAM::AccessKey": None,
             "AWS::IAM::InstanceProfile": "InstanceProfileName",
             "AWS::IAM::UserToGroupAddition": None}


def check_stack_name(name: str) -> None:
    if len(name) > 128 or STACK_NAME.fullmatch(name) is None:
        raise ValidationError(
            f"1 validation error detected: Value '{name}' at 'stackName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            "[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*")


def template_body(request: dict[str, Any], previous: str | None = None) -> str:
    if request.get("UsePreviousTemplate"):
        if previous is None:
            raise ValidationError("UsePreviousTemplate can only be used with an existing stack")
        return previous
    if request.get("TemplateURL") and not request.get("TemplateBody"):
        raise ValidationError("Headwater does not fetch TemplateURL; send the template as "
                              "TemplateBody.")
    body = request.get("TemplateBody")
    if not body:
        raise ValidationError("Either Template URL or Template Body must be specified.")
    return str(body)


def given_parameters(request: dict[str, Any], previous: dict[str, str] | None
                     ) -> dict[str, str]:
    out = {}
    for item in request.get("Parameters") or []:
        key = item.get("ParameterKey")
        if not key:
            continue
        if item.get("UsePreviousValue"):
            if previous is None or key not in previous:
                raise ValidationError(f"Invalid input for parameter key {key}. Cannot specify "
                                      "usePreviousValue as true for a parameter key not in "
                                      "the previous template")
            out[key] = previous[key]
        else:
            out[key] = str(item.get("ParameterValue", ""))
    return out


def check_capabilities(original: dict[str, Any], processed: dict[str, Any],
                       granted: list[str], change_set: bool) -> None:
    needed = []
    if sam.transforms(original) and not change_set and "CAPABILITY_AUTO_EXPAND" not in granted:
        needed.append("CAPABILITY_AUTO_EXPAND")
    named = iam = False
    for resource in (processed.get("Resources") or {}).values():
        kind = resource.get("Type") if isinstance(resource, dict) else None
        if kind in IAM_TYPES:
            iam = True
            name = IAM_TYPES[kind]
            if name and name in (resource.get("Properties") or {}):
                named = True
    if named and "CAPABILITY_NAMED_IAM" not in granted:
        needed.append("CAPABILITY_NAMED_IAM")
    elif iam and not ({"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"} & set(granted)):
        needed.append("CAPABILITY_IAM")
    if needed:
        raise InsufficientCapabilitiesException(f"Requires capabilities : [{needed[0]}]")
