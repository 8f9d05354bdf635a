"""TagResource, UntagResource and ListTags on functions (`/2017-03-31/tags/{ARN}`), tags given
to CreateFunction, GetFunction's `Tags`, the errors AWS gives, the aws CLI, and tags surviving
a restart and going with the function."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from functions_support import Factory, new_name
from server_support import Server, expect_error, serving, start_server

ACCOUNT = "000000000000"
ESM = "arn:aws:lambda:us-east-1:000000000000:event-source-mapping:" \
      "12345678-1234-1234-1234-123456789012"
QUALIFIED = ("Tags on function aliases and versions are not supported. Please specify a "
             "function ARN.")


@pytest.fixture(scope="module")
def tagged() -> Iterator[Server]:
    """One server for the module."""
    yield from serving("--in-memory")


@pytest.fixture(scope="module")
def tlam(tagged: Server) -> Any:
    return tagged.client("lambda")


@pytest.fixture
def make_function(tlam: Any) -> Iterator[Factory]:
    factory = Factory(tlam)
    yield factory
    factory.cleanup()


def arn_of(name: str) -> str:
    return f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}"


def test_tag_list_untag(tlam: Any, make_function: Factory) -> None:
    arn = arn_of(make_function())
    assert tlam.list_tags(Resource=arn)["Tags"] == {}
    response = tlam.tag_resource(Resource=arn, Tags={"team": "core", "cost center": "a/b+c@d"})
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    tlam.tag_resource(Resource=arn, Tags={"team": "edge", "empty": ""})
    listed = tlam.list_tags(Resource=arn)
    assert listed["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert listed["Tags"] == {"team": "edge", "cost center": "a/b+c@d", "empty": ""}
    response = tlam.untag_resource(Resource=arn, TagKeys=["team", "empty", "never-set"])
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert tlam.list_tags(Resource=arn)["Tags"] == {"cost center": "a/b+c@d"}
    tlam.untag_resource(Resource=arn, TagKeys=["cost center"])
    assert tlam.list_tags(Resource=arn)["Tags"] == {}


def test_create_tags_show_in_list_tags_and_get_function(tlam: Any,
                                                         make_function: Factory) -> None:
    name = make_function(Tags={"stage": "dev"})
    assert tlam.list_tags(Resource=arn_of(name))["Tags"] == {"stage": "dev"}
    assert tlam.get_function(FunctionName=name)["Tags"] == {"stage": "dev"}
    tlam.tag_resource(Resource=arn_of(name), Tags={"owner": "me"})
    assert tlam.get_function(FunctionName=name)["Tags"] == {"stage": "dev", "owner": "me"}


def test_get_function_omits_tags_when_there_are_none(tlam: Any, make_function: Factory) -> None:
    name = make_function()
    assert "Tags" not in tlam.get_function(FunctionName=name)
    tlam.tag_resource(Resource=arn_of(name), Tags={"a": "1"})
    tlam.untag_resource(Resource=arn_of(name), TagKeys=["a"])
    assert "Tags" not in tlam.get_function(FunctionName=name)


def test_tags_belong_to_the_function_not_its_versions(tlam: Any, make_function: Factory) -> None:
    name = make_function(Tags={"k": "v"})
    tlam.publish_version(FunctionName=name)
    tlam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    for qualifier in ("1", "live"):
        assert tlam.get_function(FunctionName=name, Qualifier=qualifier)["Tags"] == {"k": "v"}


@pytest.mark.parametrize("qualifier", ["1", "live", "$LATEST"])
def test_qualified_arns_are_refused(tlam: Any, make_function: Factory, qualifier: str) -> None:
    name = make_function()
    tlam.publish_version(FunctionName=name)
    tlam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    qualified = f"{arn_of(name)}:{qualifier}"
    expect_error(tlam.tag_resource, "InvalidParameterValueException", QUALIFIED,
                 Resource=qualified, Tags={"a": "b"})
    expect_error(tlam.untag_resource, "InvalidParameterValueException", QUALIFIED,
                 Resource=qualified, TagKeys=["a"])
    expect_error(tlam.list_tags, "InvalidParameterValueException", QUALIFIED,
                 Resource=qualified)


def test_missing_function(tlam: Any) -> None:
    arn = arn_of(new_name())
    message = f"Function not found: {arn}"
    expect_error(tlam.tag_resource, "ResourceNotFoundException", message, 404,
                 Resource=arn, Tags={"a": "b"})
    expect_error(tlam.untag_resource, "ResourceNotFoundException", message, 404,
                 Resource=arn, TagKeys=["a"])
    expect_error(tlam.list_tags, "ResourceNotFoundException", message, 404, Resource=arn)


def test_function_in_another_region_is_not_found(tlam: Any, make_function: Factory) -> None:
    name = make_function()
    arn = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:{name}"
    expect_error(tlam.list_tags, "ResourceNotFoundException", f"Function not found: {arn}",
                 404, Resource=arn)


def test_resource_must_be_a_full_arn(tlam: Any, make_function: Factory) -> None:
    name = make_function()
    response = expect_error(tlam.list_tags, "ValidationException", Resource=name)
    assert response["Error"]["Message"].startswith(
        f"1 validation error detected: Value '{name}' at 'resource' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: arn:")


def test_other_resource_types_are_refused(tlam: Any) -> None:
    expect_error(tlam.list_tags, "InvalidParameterValueException",
                 f"Unsupported resource type for tagging or invalid arn: {ESM}", Resource=ESM)


def test_tag_values_are_checked(tlam: Any, make_function: Factory) -> None:
    arn = arn_of(make_function(Tags={"keep": "me"}))
    expect_error(tlam.tag_resource, "InvalidParameterValueException",
                 "An error occurred and the request cannot be processed.",
                 Resource=arn, Tags={})
    expect_error(tlam.tag_resource, "ValidationException",
                 f"1 validation error detected: Value '{'k' * 129}' at 'tags.key' failed to "
                 "satisfy constraint: Member must have length less than or equal to 128",
                 Resource=arn, Tags={"k" * 129: "v"})
    response = expect_error(tlam.tag_resource, "ValidationException", Resource=arn,
                            Tags={"k": "v" * 257})
    assert "Member must have length less than or equal to 256" in response["Error"]["Message"]
    response = expect_error(tlam.tag_resource, "ValidationException", Resource=arn,
                            Tags={"bad!": "v"})
    assert "Member must satisfy regular expression pattern" in response["Error"]["Message"]
    for reserved in ("aws:name", "AWS:Name"):
        expect_error(tlam.tag_resource, "InvalidParameterValueException",
                     f"Tag keys starting with 'aws:' are reserved for AWS use: {reserved}",
                     Resource=arn, Tags={reserved: "v"})
    expect_error(tlam.untag_resource, "ValidationException",
                 "1 validation error detected: Value null at 'tagKeys' failed to satisfy "
                 "constraint: Member must not be null", Resource=arn, TagKeys=[])
    assert tlam.list_tags(Resource=arn)["Tags"] == {"keep": "me"}


def test_at_most_50_tags(tlam: Any, make_function: Factory) -> None:
    arn = arn_of(make_function(Tags={f"k{i}": "v" for i in range(40)}))
    tlam.tag_resource(Resource=arn, Tags={f"k{i}": "w" for i in range(30, 50)})
    assert len(tlam.list_tags(Resource=arn)["Tags"]) == 50
    expect_error(tlam.tag_resource, "InvalidParameterValueException",
                 "Number of tags exceeds function tag limit.", Resource=arn, Tags={"k50": "v"})
    tlam.tag_resource(Resource=arn, Tags={"k0": "overwritten"})
    assert tlam.list_tags(Resource=arn)["Tags"]["k0"] == "overwritten"


def test_create_function_checks_its_tags(tlam: Any, make_function: Factory) -> None:
    name = new_name()
    expect_error(make_function, "InvalidParameterValueException",
                 "Number of tags exceeds function tag limit.", FunctionName=name,
                 Tags={f"k{i}": "v" for i in range(51)})
    expect_error(make_function, "InvalidParameterValueException",
                 "Tag keys starting with 'aws:' are reserved for AWS use: aws:x",
                 FunctionName=name, Tags={"aws:x": "v"})
    expect_error(tlam.get_function, "ResourceNotFoundException", status=404, FunctionName=name)


def test_tags_go_with_the_function(tlam: Any, make_function: Factory) -> None:
    name = make_function(Tags={"old": "1"})
    tlam.delete_function(FunctionName=name)
    make_function(FunctionName=name)
    assert tlam.list_tags(Resource=arn_of(name))["Tags"] == {}


def test_aws_cli_list_tags(tagged: Server, tlam: Any, make_function: Factory) -> None:
    arn = arn_of(make_function(Tags={"via": "cli"}))
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": os.devnull,
           "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    done = subprocess.run(["aws", "lambda", "list-tags", "--resource", arn,
                           "--endpoint-url", tagged.url, "--output", "json"],
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert orjson.loads(done.stdout) == {"Tags": {"via": "cli"}}


@pytest.mark.local_only
@pytest.mark.slow
def test_tags_survive_a_restart(tmp_path: Path) -> None:
    first = start_server("--data-dir", str(tmp_path))
    try:
        tlam = first.client("lambda")
        name = Factory(tlam)(Tags={"a": "1", "b": "2"})
        tlam.tag_resource(Resource=arn_of(name), Tags={"c": "3"})
        tlam.untag_resource(Resource=arn_of(name), TagKeys=["a"])
    finally:
        first.kill()  # SIGKILL: an acknowledged tag change is already on disk
    second = start_server("--data-dir", str(tmp_path))
    try:
        tlam = second.client("lambda")
        assert tlam.list_tags(Resource=arn_of(name))["Tags"] == {"b": "2", "c": "3"}
        assert tlam.get_function(FunctionName=name)["Tags"] == {"b": "2", "c": "3"}
    finally:
        second.stop()
