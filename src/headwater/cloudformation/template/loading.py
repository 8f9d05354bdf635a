"""A template body as a dict: JSON, else YAML with CloudFormation's short intrinsic tags
(`!Ref`, `!GetAtt a.b`, `!Sub`, ...), which become their long forms (`{"Fn::GetAtt": [a, b]}`).
AWS's messages: "Template format error: YAML not well-formed. (line L, column C)" and the JSON
one (CloudFormation user guide, "Template anatomy")."""

from __future__ import annotations

from typing import Any

import orjson
import yaml

from headwater.cloudformation.errors import template_error

# Short tags and the functions they stand for (`!Ref` and `!Condition` are not Fn:: ones).
TAGS = {
    "Ref": "Ref", "Condition": "Condition", "GetAtt": "Fn::GetAtt", "Sub": "Fn::Sub",
    "Join": "Fn::Join", "Select": "Fn::Select", "Split": "Fn::Split", "If": "Fn::If",
    "Equals": "Fn::Equals", "And": "Fn::And", "Or": "Fn::Or", "Not": "Fn::Not",
    "FindInMap": "Fn::FindInMap", "GetAZs": "Fn::GetAZs", "Base64": "Fn::Base64",
    "ImportValue": "Fn::ImportValue", "Cidr": "Fn::Cidr", "Transform": "Fn::Transform",
    "Length": "Fn::Length", "ToJsonString": "Fn::ToJsonString",
}


class _Loader(yaml.SafeLoader):  # type: ignore[misc]
    """SafeLoader with the short tags, and timestamps and dates kept as the strings written
    (CloudFormation reads `2010-09-09` as a string)."""


def _construct(function: str) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        value: Any
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if function == "Fn::GetAtt" and isinstance(value, str):
                logical, _, attribute = value.partition(".")
                value = [logical, attribute]
            elif function == "Fn::GetAZs" and value is None:
                value = ""
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {function: value}
    return construct


for _tag, _function in TAGS.items():
    _Loader.add_constructor(f"!{_tag}", _construct(_function))
_Loader.add_constructor("tag:yaml.org,2002:timestamp",
                        lambda loader, node: loader.construct_scalar(node))


def load(body: str) -> dict[str, Any]:
    """The template in `body`, or ValidationError as CloudFormation words it."""
    text = body.strip()
    if text.startswith("{"):
        try:
            parsed = orjson.loads(text)
        except orjson.JSONDecodeError as error:
            raise template_error(f"JSON not well-formed. (line {error.lineno}, column "
                                 f"{error.colno})") from None
    else:
        try:
            parsed = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            raise template_error(f"YAML not well-formed.{where}") from None
        except yaml.YAMLError:
            raise template_error("YAML not well-formed.") from None
    if not isinstance(parsed, dict):
        raise template_error("unsupported structure.")
    return parsed


def dump(template: dict[str, Any]) -> str:
    return orjson.dumps(template).decode()
