"""CreateUser, GetUser, ListUsers, DeleteUser, the user's inline policies, and access keys
(CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey) that identify the user."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from iam_support import ALLOW_ALL
from server_support import client, expect_error


def test_user_lifecycle(iam: Any, make_user: Callable[..., dict[str, Any]],
                        unique: Callable[[str], str]) -> None:
    name = unique("user")
    user = make_user(UserName=name, Path="/people/")
    assert user["Arn"] == f"arn:aws:iam::000000000000:user/people/{name}"
    assert re.fullmatch(r"AIDA[A-Z0-9]{17}", user["UserId"])
    assert iam.get_user(UserName=name)["User"]["UserId"] == user["UserId"]
    assert name in [u["UserName"] for u in iam.list_users(PathPrefix="/people/")["Users"]]
    expect_error(iam.create_user, "EntityAlreadyExists", f"User with name {name} already exists.",
                 409, UserName=name)
    iam.delete_user(UserName=name)
    expect_error(iam.get_user, "NoSuchEntity", f"The user with name {name} cannot be found.",
                 404, UserName=name)


def test_a_users_permissions_boundary_is_refused_not_ignored(
        iam: Any, unique: Callable[[str], str]) -> None:
    name = unique("user")
    expect_error(iam.create_user, "ValidationError",
                 "Headwater does not support PermissionsBoundary.", 400, UserName=name,
                 PermissionsBoundary="arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess")
    expect_error(iam.get_user, "NoSuchEntity", status=404, UserName=name)


def test_user_inline_policies(iam: Any, make_user: Callable[..., dict[str, Any]],
                              allow_all: str) -> None:
    name = make_user()["UserName"]
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=allow_all)
    got = iam.get_user_policy(UserName=name, PolicyName="p")
    assert (got["UserName"], got["PolicyDocument"]) == (name, ALLOW_ALL)
    assert iam.list_user_policies(UserName=name)["PolicyNames"] == ["p"]
    expect_error(iam.delete_user, "DeleteConflict",
                 "Cannot delete entity, must delete policies first.", 409, UserName=name)
    iam.delete_user_policy(UserName=name, PolicyName="p")
    expect_error(iam.get_user_policy, "NoSuchEntity",
                 "The user policy with name p cannot be found.", 404, UserName=name,
                 PolicyName="p")


def test_access_keys(iam: Any, make_user: Callable[..., dict[str, Any]]) -> None:
    name = make_user()["UserName"]
    key = iam.create_access_key(UserName=name)["AccessKey"]
    assert re.fullmatch(r"AKIA[A-Z0-9]{16}", key["AccessKeyId"])
    assert len(key["SecretAccessKey"]) == 40 and key["Status"] == "Active"
    second = iam.create_access_key(UserName=name)["AccessKey"]
    expect_error(iam.create_access_key, "LimitExceeded",
                 "Cannot exceed quota for AccessKeysPerUser: 2", 409, UserName=name)
    listed = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in listed] == [key["AccessKeyId"], second["AccessKeyId"]]
    assert all("SecretAccessKey" not in k for k in listed)
    expect_error(iam.delete_user, "DeleteConflict",
                 "Cannot delete entity, must delete access keys first.", 409, UserName=name)
    iam.delete_access_key(UserName=name, AccessKeyId=second["AccessKeyId"])
    expect_error(iam.delete_access_key, "NoSuchEntity",
                 f"The Access Key with id {second['AccessKeyId']} cannot be found.", 404,
                 UserName=name, AccessKeyId=second["AccessKeyId"])


def test_a_users_key_identifies_the_user(iam: Any, endpoint: str,
                                         make_user: Callable[..., dict[str, Any]]) -> None:
    user = make_user()
    key = iam.create_access_key(UserName=user["UserName"])["AccessKey"]
    as_user = {"aws_access_key_id": key["AccessKeyId"],
               "aws_secret_access_key": key["SecretAccessKey"]}
    identity = client("sts", endpoint, **as_user).get_caller_identity()
    assert (identity["Account"], identity["Arn"], identity["UserId"]) == (
        "000000000000", user["Arn"], user["UserId"])
    own = client("iam", endpoint, **as_user)
    assert own.get_user()["User"]["UserName"] == user["UserName"]
    assert [k["AccessKeyId"] for k in own.list_access_keys()["AccessKeyMetadata"]] == [
        key["AccessKeyId"]]
    iam.update_access_key(UserName=user["UserName"], AccessKeyId=key["AccessKeyId"],
                          Status="Inactive")
    # An inactive key identifies no one: it is any other key, its account's root.
    identity = client("sts", endpoint, **as_user).get_caller_identity()
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"


def test_get_user_without_a_name_is_the_root_user_for_root_keys(iam: Any) -> None:
    user = iam.get_user()["User"]
    assert (user["UserId"], user["Arn"]) == ("000000000000", "arn:aws:iam::000000000000:root")
