"""TagRole, UntagRole, ListRoleTags, TagUser, UntagUser and ListUserTags."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server_support import expect_error


def test_role_tags(iam: Any, make_role: Callable[..., dict[str, Any]]) -> None:
    role = make_role(Tags=[{"Key": "team", "Value": "a"}])
    assert role["Tags"] == [{"Key": "team", "Value": "a"}]
    name = role["RoleName"]
    iam.tag_role(RoleName=name, Tags=[{"Key": "TEAM", "Value": "b"}, {"Key": "env", "Value": ""}])
    assert iam.list_role_tags(RoleName=name)["Tags"] == [
        {"Key": "TEAM", "Value": "b"}, {"Key": "env", "Value": ""}]
    assert iam.get_role(RoleName=name)["Role"]["Tags"] == iam.list_role_tags(
        RoleName=name)["Tags"]
    iam.untag_role(RoleName=name, TagKeys=["team", "missing"])
    assert iam.list_role_tags(RoleName=name)["Tags"] == [{"Key": "env", "Value": ""}]


def test_user_tags(iam: Any, make_user: Callable[..., dict[str, Any]]) -> None:
    name = make_user()["UserName"]
    iam.tag_user(UserName=name, Tags=[{"Key": "k", "Value": "v"}])
    assert iam.list_user_tags(UserName=name)["Tags"] == [{"Key": "k", "Value": "v"}]
    iam.untag_user(UserName=name, TagKeys=["k"])
    assert iam.list_user_tags(UserName=name)["Tags"] == []


def test_tag_errors(iam: Any, make_role: Callable[..., dict[str, Any]]) -> None:
    name = make_role()["RoleName"]
    expect_error(iam.tag_role, "InvalidInput",
                 "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
                 RoleName=name, Tags=[{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}])
    error = expect_error(iam.tag_role, "ValidationError", RoleName=name,
                         Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)])
    assert error["Error"]["Message"].endswith(
        "at 'tags' failed to satisfy constraint: Member must have length less than or equal "
        "to 50")
    iam.tag_role(RoleName=name, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(30)])
    expect_error(iam.tag_role, "LimitExceeded", "Cannot exceed quota for TagsPerEntity: 50",
                 409, RoleName=name,
                 Tags=[{"Key": f"new{i}", "Value": "v"} for i in range(21)])
    expect_error(iam.tag_user, "NoSuchEntity", "The user with name ghost cannot be found.", 404,
                 UserName="ghost", Tags=[{"Key": "a", "Value": "1"}])
    expect_error(iam.list_role_tags, "NoSuchEntity", status=404, RoleName="ghost")
