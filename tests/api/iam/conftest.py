"""IAM fixtures: policy documents, and uniquely named roles and users removed afterwards
(with whatever policies and keys a test gave them)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

import pytest

LAMBDA_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
     "Action": "sts:AssumeRole"}]}
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}


@pytest.fixture
def trust() -> str:
    return json.dumps(LAMBDA_TRUST)


@pytest.fixture
def allow_all() -> str:
    return json.dumps(ALLOW_ALL)


def remove_role(iam: Any, name: str) -> None:
    with suppress(iam.exceptions.NoSuchEntityException):
        for policy in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
            iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
        for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            iam.delete_role_policy(RoleName=name, PolicyName=policy)
        iam.delete_role(RoleName=name)


def remove_user(iam: Any, name: str) -> None:
    with suppress(iam.exceptions.NoSuchEntityException):
        for policy in iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]:
            iam.detach_user_policy(UserName=name, PolicyArn=policy["PolicyArn"])
        for policy in iam.list_user_policies(UserName=name)["PolicyNames"]:
            iam.delete_user_policy(UserName=name, PolicyName=policy)
        for key in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
            iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName=name)


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
