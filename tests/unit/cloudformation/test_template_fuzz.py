"""Whatever a template holds, preparing it raises CloudFormation's ValidationError or succeeds:
never another exception (which the server would answer with a 500)."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from headwater.cloudformation.errors import ValidationError
from headwater.cloudformation.template.prepare import prepare, pseudo_parameters

PSEUDO = pseudo_parameters("000000000000", "us-east-1", "s", "arn:stack/s/1", [])
NAMES = st.sampled_from(["A", "B", "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::If",
                         "Fn::Select", "Fn::Split", "Fn::FindInMap", "Fn::Equals", "Fn::Not",
                         "Fn::And", "Fn::Base64", "Fn::Cidr", "Fn::GetAZs", "Condition",
                         "Type", "Properties", "DependsOn", "Default", "Value", "P",
                         "AWS::NoValue", "AWS::Region", "QueueName", "DelaySeconds"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 300), NAMES,
                    st.text(max_size=8), st.just("${A}"), st.just("${B.Arn}"))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(NAMES, inner, max_size=3)), max_leaves=20)


def _template(parameters: Any, conditions: Any, resource: Any, outputs: Any) -> dict[str, Any]:
    return {"Parameters": parameters, "Conditions": conditions,
            "Resources": {"A": {"Type": "AWS::SQS::Queue", "Properties": resource},
                          "B": resource}, "Outputs": outputs}


@settings(max_examples=150, deadline=None)
@given(VALUES, VALUES, VALUES, VALUES)
def test_prepare_raises_only_validation_errors(parameters: Any, conditions: Any,
                                               resource: Any, outputs: Any) -> None:
    body = orjson.dumps(_template(parameters, conditions, resource, outputs)).decode()
    try:
        prepare(body, {}, PSEUDO)
    except ValidationError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_a_template_or_a_format_error(body: str) -> None:
    try:
        prepare(body, {}, PSEUDO)
    except ValidationError:
        pass
