"""botocore's service models, loaded once, with Headwater's corrections applied.

Corrections are data (`model_patches.json`): members AWS's servers require although the published
model marks them optional, keyed by service, shape and member; `*member_shapes` retargets a member
name everywhere; `*name_or_arn` adds shapes (copies of an ARN shape) whose values are either an
ARN or a name. DynamoDB's TableName takes a table ARN (shape TableArn, 1-1024 characters) since
2024, yet a plain name still gets the TableName rules (3-255, `[a-zA-Z0-9_.-]+`) and their
messages: the validator checks a value starting with "arn:" against the ARN shape and anything
else against the name shape (`wire/validate.py` `name_or_arn`).
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import botocore.session
from botocore.model import ServiceModel

_PATCHES = Path(__file__).with_name("model_patches.json")


@functools.cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@functools.cache
def _patches(name: str) -> dict[str, Any]:
    patches: dict[str, Any] = json.loads(_PATCHES.read_text()).get(name, {})
    return patches


def name_or_arn_shapes(name: str) -> dict[str, tuple[str, str]]:
    """Shapes of service `name` holding a name or an ARN: shape -> (name shape, ARN shape)."""
    return {shape: (spec["name"], spec["arn"])
            for shape, spec in _patches(name).get("*name_or_arn", {}).items()}


@functools.cache
def service_model(name: str) -> ServiceModel:
    loader = _session().get_component("data_loader")
    data: dict[str, Any] = loader.load_service_model(name, "service-2")
    patches = copy.deepcopy(_patches(name))
    for shape_name, spec in patches.pop("*name_or_arn", {}).items():
        data["shapes"][shape_name] = dict(data["shapes"][spec["arn"]])
    member_shapes = patches.pop("*member_shapes", {})
    for shape in data["shapes"].values():
        for member_name, member in shape.get("members", {}).items():
            replacement = member_shapes.get(member_name)
            if replacement and member["shape"] in replacement["from"]:
                member["shape"] = replacement["to"]
    for shape_name, patch in patches.items():
        shape = data["shapes"][shape_name]
        required = set(shape.get("required", []))
        required.update(patch.get("required", []))
        shape["required"] = sorted(required)
        for member, overrides in patch.get("members", {}).items():
            shape["members"][member].update(overrides)
        for key, value in patch.get("shape", {}).items():
            shape[key] = value
    return ServiceModel(data, service_name=name)
