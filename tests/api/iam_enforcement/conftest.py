"""A server started with --enforce-iam for each test module, and its callers: the account's
root (any key IAM did not issue), another account's root, and IAM users and role sessions
made on the spot with the policies a test gives them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from enforcement_support import LAMBDA_TRUST, OTHER, name, policy
from server_support import Server, client, serving


@pytest.fixture(scope="module")
def enforced() -> Iterator[Server]:
    yield from serving("--in-memory", "--enforce-iam")


@pytest.fixture(scope="module")
def root(enforced: Server) -> Callable[..., Any]:
    """root("dynamodb") -> a client of account 000000000000's root (a key IAM did not issue)."""
    return lambda service, **kwargs: client(service, enforced.url, **kwargs)


@pytest.fixture(scope="module")
def other_root(enforced: Server) -> Callable[..., Any]:
    """Another account's root (a 12-digit access key names the account)."""
    return lambda service: client(service, enforced.url, aws_access_key_id=OTHER)


@pytest.fixture(scope="module")
def make_user(enforced: Server, root: Callable[..., Any]) -> Callable[..., Callable[..., Any]]:
    """make_user(*statements) -> a client factory for a new IAM user with those inline
    statements (none: no policy at all); `.user_name` and `.arn` name it."""
    iam = root("iam")

    def make(*statements: dict[str, Any]) -> Callable[..., Any]:
        user = name("user")
        arn = iam.create_user(UserName=user)["User"]["Arn"]
        if statements:
            iam.put_user_policy(UserName=user, PolicyName="inline",
                                PolicyDocument=policy(*statements))
        key = iam.create_access_key(UserName=user)["AccessKey"]

        def as_user(service: str) -> Any:
            return client(service, enforced.url, aws_access_key_id=key["AccessKeyId"],
                          aws_secret_access_key=key["SecretAccessKey"])

        as_user.user_name = user  # type: ignore[attr-defined]
        as_user.arn = arn  # type: ignore[attr-defined]
        return as_user

    return make


@pytest.fixture(scope="module")
def make_role(root: Callable[..., Any]) -> Callable[..., str]:
    """make_role(*statements, trust=LAMBDA_TRUST) -> the ARN of a new role with those inline
    statements."""
    iam = root("iam")

    def make(*statements: dict[str, Any], trust: str = LAMBDA_TRUST) -> str:
        role = name("role")
        arn: str = iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        if statements:
            iam.put_role_policy(RoleName=role, PolicyName="inline",
                                PolicyDocument=policy(*statements))
        return arn

    return make


@pytest.fixture(scope="module")
def make_table(root: Callable[..., Any]) -> Callable[..., str]:
    ddb = root("dynamodb")

    def make(stream: bool = False) -> str:
        table = name("tbl")
        extra: dict[str, Any] = {}
        if stream:
            extra["StreamSpecification"] = {"StreamEnabled": True,
                                            "StreamViewType": "NEW_AND_OLD_IMAGES"}
        ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         **extra)
        return table

    return make
