"""Parameter values checked against their declarations (CloudFormation user guide,
"Parameters"): types String, Number, List<Number>, CommaDelimitedList and the AWS-specific
types (taken as plain strings, lists for List<...>), Default, AllowedValues, AllowedPattern,
Min/MaxLength, Min/MaxValue, ConstraintDescription and NoEcho. SSM parameter types are refused:
Headwater has no Parameter Store."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from headwater.cloudformation.errors import ValidationError, template_error

MASK = "****"


@dataclass(frozen=True)
class Declared:
    name: str
    type: str
    declaration: dict[str, Any]

    @property
    def no_echo(self) -> bool:
        return str(self.declaration.get("NoEcho", "false")).lower() == "true"

    @property
    def is_list(self) -> bool:
        return self.type.startswith("List<") or self.type == "CommaDelimitedList"


def declarations(template: dict[str, Any]) -> list[Declared]:
    section = template.get("Parameters") or {}
    if not isinstance(section, dict):
        raise template_error("Parameters section must be a map")
    out = []
    for name, declaration in section.items():
        if not isinstance(declaration, dict) or "Type" not in declaration:
            raise template_error(f"Parameter '{name}' is missing the Type property"
                                 if isinstance(declaration, dict) else
                                 f"Invalid template parameter property '{name}'")
        kind = str(declaration["Type"])
        if kind.startswith("AWS::SSM::Parameter"):
            raise ValidationError(
                f"Parameter '{name}' has type {kind}: Headwater has no SSM Parameter Store, so "
                "SSM parameter types are not supported; use a String parameter.")
        if "Default" in declaration and not isinstance(declaration["Default"],
                                                       str | int | float | list):
            raise template_error("Every Default member must be a string.")
        out.append(Declared(name, kind, declaration))
    return out


def values(template: dict[str, Any], given: dict[str, str],
           previous: dict[str, str] | None = None) -> dict[str, str]:
    """The value of every declared parameter as a string (what DescribeStacks shows unmasked),
    from `given`, else the Default. Raises ValidationError as CloudFormation words it."""
    declared = declarations(template)
    names = {d.name for d in declared}
    unknown = [name for name in given if name not in names]
    if unknown:
        raise ValidationError(f"Parameters: [{', '.join(unknown)}] do not exist in the template")
    out, missing = {}, []
    for item in declared:
        if item.name in given:
            value = given[item.name]
        elif previous is not None and item.name in previous:
            value = previous[item.name]
        elif "Default" in item.declaration:
            default = item.declaration["Default"]
            value = ",".join(str(v) for v in default) if isinstance(default, list) else str(
                default)
        else:
            missing.append(item.name)
            continue
        _check(item, value)
        out[item.name] = value
    if missing:
        raise ValidationError(f"Parameters: [{', '.join(missing)}] must have values")
    return out


def typed(template: dict[str, Any], strings: dict[str, str]) -> dict[str, Any]:
    """Parameter values as Ref returns them: lists for list types, strings otherwise."""
    out: dict[str, Any] = {}
    for item in declarations(template):
        value = strings.get(item.name, "")
        out[item.name] = ([part.strip() if item.type != "CommaDelimitedList" else part
                           for part in value.split(",")] if item.is_list and value != ""
                          else [] if item.is_list else value)
    return out


def _check(item: Declared, value: str) -> None:
    declaration, name = item.declaration, item.name
    described = declaration.get("ConstraintDescription")

    def fail(message: str) -> ValidationError:
        if described:
            return ValidationError(f"Parameter '{name}' failed to satisfy constraint: "
                                   f"{described}")
        return ValidationError(f"Parameter '{name}' {message}")

    parts = value.split(",") if item.is_list else [value]
    for part in parts:
        if item.type in ("Number", "List<Number>"):
            try:
                number = float(part)
            except ValueError:
                raise fail("must be a number") from None
            if "MinValue" in declaration and number < float(declaration["MinValue"]):
                raise fail(f"must be a number not less than {declaration['MinValue']}")
            if "MaxValue" in declaration and number > float(declaration["MaxValue"]):
                raise fail(f"must be a number not greater than {declaration['MaxValue']}")
        if "AllowedValues" in declaration and part not in [
                str(v) for v in declaration["AllowedValues"]]:
            raise fail("must be one of AllowedValues")
        if "AllowedPattern" in declaration and re.fullmatch(
                str(declaration["AllowedPattern"]), part) is None:
            raise fail(f"must match pattern {declaration['AllowedPattern']}")
    if "MinLength" in declaration and len(value) < int(declaration["MinLength"]):
        raise fail(f"must contain at least {declaration['MinLength']} characters")
    if "MaxLength" in declaration and len(value) > int(declaration["MaxLength"]):
        raise fail(f"must contain at most {declaration['MaxLength']} characters")


def described(template: dict[str, Any], strings: dict[str, str]) -> list[dict[str, str]]:
    """The Parameters member of a stack description, NoEcho values masked."""
    out = []
    for item in declarations(template):
        if item.name in strings:
            out.append({"ParameterKey": item.name,
                        "ParameterValue": MASK if item.no_echo else strings[item.name]})
    return out
