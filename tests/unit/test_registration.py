"""Every registered operation is an operation of its botocore model, and the test tree can be
collected in one run."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from headwater.cloudformation.service import OPERATIONS as CLOUDFORMATION
from headwater.core.authority import OPEN
from headwater.iam.service import OPERATIONS as IAM
from headwater.s3.service import OPERATIONS as S3
from headwater.services import json_services
from headwater.sts.service import OPERATIONS as STS
from headwater.wire.models import service_model

TESTS = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("prefix", sorted(json_services(OPEN)))
def test_json_operations_exist_in_the_model(prefix: str) -> None:
    service = json_services(OPEN)[prefix]
    names = set(service_model(service.model_name).operation_names)
    assert set(service.operations) <= names


@pytest.mark.parametrize("model, operations", [("iam", IAM), ("sts", STS), ("s3", S3),
                                               ("cloudformation", CLOUDFORMATION)])
def test_query_operations_exist_in_the_model(model: str, operations: dict[str, object]
                                             ) -> None:
    assert set(operations) <= set(service_model(model).operation_names)


def test_test_modules_have_unique_basenames() -> None:
    # pytest's default import mode cannot collect two test modules with one basename.
    counts = Counter(path.name for path in TESTS.rglob("test_*.py"))
    assert [name for name, count in counts.items() if count > 1] == []
