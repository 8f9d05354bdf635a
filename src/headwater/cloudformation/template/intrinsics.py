"""The intrinsic functions (CloudFormation user guide, "Intrinsic function reference"):
Ref, Fn::GetAtt, Fn::Sub (both forms), Fn::Join, Fn::Select, Fn::Split, Fn::If, Fn::FindInMap
(with DefaultValue), Fn::GetAZs, Fn::Base64, Fn::ImportValue, Fn::Cidr, Fn::Length and
Fn::ToJsonString, resolved against a Scope. `Ref: AWS::NoValue` (and an Fn::If branch that is
it) removes the property or list item it stands for."""

from __future__ import annotations

import base64
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from headwater.cloudformation.errors import ValidationError


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()
SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
FUNCTIONS = frozenset({
    "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::If",
    "Fn::FindInMap", "Fn::GetAZs", "Fn::Base64", "Fn::ImportValue", "Fn::Cidr", "Fn::Length",
    "Fn::ToJsonString", "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition",
})


class Unavailable(Exception):
    """A Ref or GetAtt names a resource not created yet (the dependency graph orders them, so
    this is a bug or a reference the graph could not see)."""


def template_error(message: str) -> ValidationError:
    return ValidationError(f"Template error: {message}")


@dataclass
class Scope:
    """What intrinsic functions read: pseudo parameters and parameters (by name), mappings,
    evaluated conditions, the stack's resources (`ref`, `attribute`) and the account's exports."""

    pseudo: dict[str, Any]
    parameters: dict[str, Any]
    mappings: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, bool] = field(default_factory=dict)
    ref: Callable[[str], Any] | None = None
    attribute: Callable[[str, str], Any] | None = None
    imports: Callable[[str], Any] | None = None

    def value_of(self, name: str) -> Any:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if self.ref is None:
            raise template_error(f"Unresolved resource dependencies [{name}] in the Resources "
                                 "block of the template")
        return self.ref(name)


def function_of(value: Any) -> str | None:
    """The intrinsic function a value is, if it is one (a one-key dict naming a function)."""
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        # `Condition` is a function only as a condition's reference to another (a string).
        if key in FUNCTIONS and (key != "Condition" or isinstance(value[key], str)):
            return str(key)
    return None


def resolve(value: Any, scope: Scope) -> Any:
    """`value` with every intrinsic function evaluated; NO_VALUE items dropped."""
    name = function_of(value)
    if name is not None:
        return _FUNCTIONS[name](value[name], scope)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            resolved = resolve(item, scope)
            if resolved is not NO_VALUE:
                out[key] = resolved
        return out
    if isinstance(value, list):
        return [item for item in (resolve(item, scope) for item in value)
                if item is not NO_VALUE]
    return value


def _ref(argument: Any, scope: Scope) -> Any:
    if argument == "AWS::NoValue":
        return NO_VALUE
    if not isinstance(argument, str):
        raise template_error("Ref must be a string")
    return scope.value_of(argument)


def split_get_att(argument: Any) -> tuple[str, Any]:
    if isinstance(argument, str):
        logical, _, attribute = argument.partition(".")
        return logical, attribute
    if (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)):
        return argument[0], argument[1]
    raise template_error("Fn::GetAtt requires a list of two elements or a string "
                         "'logicalId.attribute'")


def _get_att(argument: Any, scope: Scope) -> Any:
    logical, attribute = split_get_att(argument)
    attribute = resolve(attribute, scope)
    if scope.attribute is None:
        raise template_error(f"instance of Fn::GetAtt references undefined resource {logical}")
    return scope.attribute(logical, str(attribute))


def _sub(argument: Any, scope: Scope) -> str:
    if isinstance(argument, str):
        text, variables = argument, {}
    elif (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)
          and isinstance(argument[1], dict)):
        text, variables = argument[0], {k: resolve(v, scope) for k, v in argument[1].items()}
    else:
        raise template_error("One or more Fn::Sub intrinsic functions don't specify expected "
                             "arguments. Specify a string as first argument, and an optional "
                             "second argument to specify a mapping of values to replace in "
                             "the string")

    def replace(found: re.Match[str]) -> str:
        name = found.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        name = name.strip()
        if name in variables:
            return as_text(variables[name])
        if "." in name and name not in scope.pseudo:
            logical, _, attribute = name.partition(".")
            if logical not in scope.parameters:
                return as_text(_get_att([logical, attribute], scope))
        return as_text(scope.value_of(name))

    return SUB_VARIABLE.sub(replace, text)


def as_text(value: Any) -> str:
    """A resolved value as CloudFormation writes it into a string (Fn::Sub, Fn::Join, Outputs):
    lists comma-joined, booleans lower case."""
    if isinstance(value, list):
        return ",".join(as_text(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _join(argument: Any, scope: Scope) -> str:
    if not (isinstance(argument, list) and len(argument) == 2):
        raise template_error("every Fn::Join object requires two parameters, (1) a string "
                             "delimiter and (2) a list of strings to be joined or a function "
                             "that returns a list of strings (such as Fn::GetAZs) to be joined.")
    delimiter, items = resolve(argument[0], scope), resolve(argument[1], scope)
    if not isinstance(items, list):
        raise template_error("Fn::Join requires a list of strings to join")
    return str(delimiter).join(as_text(item) for item in items)


def _select(argument: Any, scope: Scope) -> Any:
    if not (isinstance(argument, list) and len(argument) == 2):
        raise template_error("Fn::Select requires a list argument with two elements: an "
                             "integer index and a list")
    index, items = resolve(argument[0], scope), resolve(argument[1], scope)
    if isinstance(items, str):
        items = items.split(",")
    try:
        position = int(index)
    except (TypeError, ValueError):
        raise template_error("Fn::Select requires a list argument with two elements: an "
                             "integer index and a list") from None
    if not isinstance(items, list) or not 0 <= position < len(items):
        raise template_error("Fn::Select cannot select nonexistent value at index "
                             f"{position}")
    return items[position]


def _split(argument: Any, scope: Scope) -> list[str]:
    if not (isinstance(argument, list) and len(argument) == 2):
        raise template_error("Fn::Split requires a list argument with two elements: a "
                             "delimiter and a source string")
    delimiter, source = resolve(argument[0], scope), resolve(argument[1], scope)
    return as_text(source).split(str(delimiter))


def _if(argument: Any, scope: Scope) -> Any:
    if not (isinstance(argument, list) and len(argument) == 3 and isinstance(argument[0], str)):
        raise template_error("Fn::If requires a list argument with three elements")
    if argument[0] not in scope.conditions:
        raise template_error(f"Unresolved condition dependency {argument[0]} in Fn::If")
    return resolve(argument[1] if scope.conditions[argument[0]] else argument[2], scope)


def _find_in_map(argument: Any, scope: Scope) -> Any:
    if not (isinstance(argument, list) and len(argument) in (3, 4)):
        raise template_error("Fn::FindInMap requires a list argument with three elements")
    name, first, second = (resolve(item, scope) for item in argument[:3])
    try:
        return scope.mappings[name][str(first)][str(second)]
    except (KeyError, TypeError):
        if len(argument) == 4 and isinstance(argument[3], dict) \
                and "DefaultValue" in argument[3]:
            return resolve(argument[3]["DefaultValue"], scope)
        if name not in scope.mappings:
            raise template_error(f"Mapping named '{name}' is not present in the 'Mappings' "
                                 "section of template.") from None
        raise template_error(f"Unable to get mapping for {name}::{first}::{second}") from None


def _get_azs(argument: Any, scope: Scope) -> list[str]:
    region = resolve(argument, scope) or scope.pseudo["AWS::Region"]
    return [f"{region}{zone}" for zone in "abc"]


def _base64(argument: Any, scope: Scope) -> str:
    return base64.b64encode(as_text(resolve(argument, scope)).encode()).decode()


def _import_value(argument: Any, scope: Scope) -> Any:
    name = resolve(argument, scope)
    if scope.imports is None:
        raise template_error("Fn::ImportValue is not allowed here")
    return scope.imports(as_text(name))


def _cidr(argument: Any, scope: Scope) -> list[str]:
    if not (isinstance(argument, list) and len(argument) == 3):
        raise template_error("Fn::Cidr requires a list argument with three elements")
    block, count, bits = (resolve(item, scope) for item in argument)
    try:
        network = ipaddress.ip_network(str(block), strict=False)
        prefix = network.max_prefixlen - int(bits)
        subnets = network.subnets(new_prefix=prefix)
        return [str(next(subnets)) for _ in range(int(count))]
    except (ValueError, StopIteration):
        raise template_error("Fn::Cidr cannot make the subnets asked for") from None


def _length(argument: Any, scope: Scope) -> int:
    items = resolve(argument, scope)
    if not isinstance(items, list):
        raise template_error("Fn::Length requires a list")
    return len(items)


def _to_json_string(argument: Any, scope: Scope) -> str:
    return orjson.dumps(resolve(argument, scope)).decode()


def _condition_ref(argument: Any, scope: Scope) -> bool:
    if argument not in scope.conditions:
        raise template_error(f"Unresolved condition dependency {argument}")
    return scope.conditions[argument]


def _equals(argument: Any, scope: Scope) -> bool:
    if not (isinstance(argument, list) and len(argument) == 2):
        raise template_error("Fn::Equals requires a list argument with two elements")
    left, right = (resolve(item, scope) for item in argument)
    return as_text(left) == as_text(right) if not isinstance(left, type(right)) else left == right


def _and(argument: Any, scope: Scope) -> bool:
    if not (isinstance(argument, list) and 2 <= len(argument) <= 10):
        raise template_error("Fn::And requires a list argument with 2 to 10 conditions")
    return all(_truth(item, scope) for item in argument)


def _or(argument: Any, scope: Scope) -> bool:
    if not (isinstance(argument, list) and 2 <= len(argument) <= 10):
        raise template_error("Fn::Or requires a list argument with 2 to 10 conditions")
    return any(_truth(item, scope) for item in argument)


def _not(argument: Any, scope: Scope) -> bool:
    if not (isinstance(argument, list) and len(argument) == 1):
        raise template_error("Fn::Not requires a list argument with one condition")
    return not _truth(argument[0], scope)


def _truth(value: Any, scope: Scope) -> bool:
    resolved = resolve(value, scope)
    if isinstance(resolved, bool):
        return resolved
    if isinstance(resolved, str) and resolved.lower() in ("true", "false"):
        return resolved.lower() == "true"
    raise template_error("Conditions can only be boolean operations on parameters and other "
                         "conditions")


_FUNCTIONS: dict[str, Callable[[Any, Scope], Any]] = {
    "Ref": _ref, "Fn::GetAtt": _get_att, "Fn::Sub": _sub, "Fn::Join": _join,
    "Fn::Select": _select, "Fn::Split": _split, "Fn::If": _if, "Fn::FindInMap": _find_in_map,
    "Fn::GetAZs": _get_azs, "Fn::Base64": _base64, "Fn::ImportValue": _import_value,
    "Fn::Cidr": _cidr, "Fn::Length": _length, "Fn::ToJsonString": _to_json_string,
    "Fn::Equals": _equals, "Fn::And": _and, "Fn::Or": _or, "Fn::Not": _not,
    "Condition": _condition_ref,
}
