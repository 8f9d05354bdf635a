"""IAM fixtures: policy documents, and uniquely named roles and users removed afterwards
(with whatever policies and keys a test gave them)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from iam_support import ALLOW_ALL, LAMBDA_TRUST, remove_role, remove_user


@pytest.fixture
def trust() -> str:
    return json.dumps(LAMBDA_TRUST)


@pytest.fixture
def allow_all() -> str:
    return json.dumps(ALLOW_ALL)


@pytest.fixture
def make_role(iam: Any, unique: Callable[[str], str], trust: str
              ) -> Iterator[Callable[..., dict[str, Any]]]:
    """make_role(**CreateRole arguments) -> the Role; removed afterwards."""
    made: list[str] = []

    def make(**kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("RoleName", unique("role"))
        kwargs.setdefault("AssumeRolePolicyDocument", trust)
        role: dict[str, Any] = iam.create_role(**kwargs)["Role"]
        made.append(role["RoleName"])
        return role

    yield make
    for name in made:
        remove_role(iam, name)


@pytest.fixture
def make_user(iam: Any, unique: Callable[[str], str]
              ) -> Iterator[Callable[..., dict[str, Any]]]:
    """make_user(**CreateUser arguments) -> the User; removed afterwards."""
    made: list[str] = []

    def make(**kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("UserName", unique("user"))
        user: dict[str, Any] = iam.create_user(**kwargs)["User"]
        made.append(user["UserName"])
        return user

    yield make
    for name in made:
        remove_user(iam, name)
