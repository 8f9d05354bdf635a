"""Every registered operation name exists in its botocore model (STYLE.md, Registration)."""

from __future__ import annotations

from headwater.cloudwatch.service import OPERATIONS as CLOUDWATCH
from headwater.triggers.service import OPERATIONS as MAPPINGS
from headwater.wire.models import service_model


def test_names_are_model_operations() -> None:
    assert set(MAPPINGS) <= set(service_model("lambda").operation_names)
    assert set(CLOUDWATCH) <= set(service_model("cloudwatch").operation_names)
    assert list(MAPPINGS) == sorted(MAPPINGS) and list(CLOUDWATCH) == sorted(CLOUDWATCH)
