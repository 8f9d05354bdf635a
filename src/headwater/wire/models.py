"""botocore's service models, loaded once, with Headwater's corrections applied.

Corrections are data (`model_patches.json`): members AWS's servers require although the published
model marks them optional, keyed by service, shape and member; `*member_shapes` retargets a member
name everywhere (DynamoDB's TableName accepts ARNs in the model, which Headwater does not).
"""

from __future__ import annotations

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
def service_model(name: str) -> ServiceModel:
    loader = _session().get_component("data_loader")
    data: dict[str, Any] = loader.load_service_model(name, "service-2")
    patches = json.loads(_PATCHES.read_text()).get(name, {})
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
