"""PublishVersion, ListVersionsByFunction, aliases CRUD, and qualified names everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from functions_support import Factory, handler_zip
from test_function_api import error

V1 = "def handler(e, c):\n    return c.function_version\n"
V2 = "def handler(e, c):\n    return 'v2:' + c.function_version\n"


def test_publish_and_list_versions(lambda_: Any, make_function: Factory) -> None:
    name = make_function(V1)
    published = lambda_.publish_version(FunctionName=name, Description="first")
    assert published["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert published["Version"] == "1"
    assert published["FunctionArn"].endswith(f":{name}:1")
    assert lambda_.publish_version(FunctionName=name)["Version"] == "1"  # nothing changed
    lambda_.update_function_code(FunctionName=name, ZipFile=handler_zip(V2))
    assert lambda_.publish_version(FunctionName=name)["Version"] == "2"
    versions = lambda_.list_versions_by_function(FunctionName=name)["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1", "2"]
    assert lambda_.invoke(FunctionName=name, Qualifier="1")["Payload"].read() == b'"1"'
    response = lambda_.invoke(FunctionName=f"{name}:2")
    assert response["Payload"].read() == b'"v2:2"'
    assert response["ExecutedVersion"] == "2"
    everything = lambda_.list_functions(FunctionVersion="ALL")["Functions"]
    assert {f["Version"] for f in everything if f["FunctionName"] == name} >= {"$LATEST", "1"}


def test_qualifier_mismatch_and_version_delete(lambda_: Any, make_function: Factory) -> None:
    name = make_function(V1)
    lambda_.publish_version(FunctionName=name)
    with pytest.raises(ClientError) as excinfo:
        lambda_.get_function(FunctionName=f"{name}:1", Qualifier="2")
    assert error(excinfo) == (400, "InvalidParameterValueException", "The derived qualifier "
                              "from the function name does not match the specified qualifier.")
    lambda_.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    with pytest.raises(ClientError) as excinfo:
        lambda_.delete_function(FunctionName=name, Qualifier="1")
    assert error(excinfo)[:2] == (409, "ResourceConflictException")
    lambda_.delete_alias(FunctionName=name, Name="live")
    assert lambda_.delete_function(FunctionName=name, Qualifier="1")[
        "ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as excinfo:
        lambda_.get_function(FunctionName=name, Qualifier="1")
    assert error(excinfo)[:2] == (404, "ResourceNotFoundException")
    lambda_.get_function(FunctionName=name)


def test_alias_crud(lambda_: Any, make_function: Factory) -> None:
    name = make_function(V1)
    lambda_.publish_version(FunctionName=name)
    created = lambda_.create_alias(FunctionName=name, Name="live", FunctionVersion="1",
                                   Description="prod")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["AliasArn"] == f"arn:aws:lambda:us-east-1:000000000000:function:{name}:live"
    assert lambda_.get_alias(FunctionName=name, Name="live")["FunctionVersion"] == "1"
    with pytest.raises(ClientError) as excinfo:
        lambda_.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    assert error(excinfo) == (409, "ResourceConflictException",
                              f"Alias already exists: {created['AliasArn']}")
    with pytest.raises(ClientError) as excinfo:
        lambda_.create_alias(FunctionName=name, Name="other", FunctionVersion="9")
    assert error(excinfo)[:2] == (404, "ResourceNotFoundException")
    response = lambda_.invoke(FunctionName=name, Qualifier="live")
    assert (response["Payload"].read(), response["ExecutedVersion"]) == (b'"1"', "1")
    updated = lambda_.update_alias(FunctionName=name, Name="live", FunctionVersion="$LATEST")
    assert updated["FunctionVersion"] == "$LATEST"
    with pytest.raises(ClientError) as excinfo:
        lambda_.update_alias(FunctionName=name, Name="live", RevisionId="nope")
    assert error(excinfo)[:2] == (412, "PreconditionFailedException")
    lambda_.create_alias(FunctionName=name, Name="beta", FunctionVersion="1")
    assert [a["Name"] for a in lambda_.list_aliases(FunctionName=name)["Aliases"]] == [
        "beta", "live"]
    assert [a["Name"] for a in lambda_.list_aliases(FunctionName=name, FunctionVersion="1")[
        "Aliases"]] == ["beta"]
    config = lambda_.get_function_configuration(FunctionName=f"{name}:beta")
    assert config["Version"] == "1"
    deleted = lambda_.delete_alias(FunctionName=name, Name="live")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as excinfo:
        lambda_.get_alias(FunctionName=name, Name="live")
    assert error(excinfo) == (404, "ResourceNotFoundException",
                              f"Cannot find alias arn: {created['AliasArn']}")


def test_a_version_number_past_64_bits_is_not_found(lambda_: Any, make_function: Factory
                                                    ) -> None:
    """Found by the request fuzz: a qualifier of 20 digits overflowed SQLite's INTEGER (500)."""
    name = make_function(V1)
    huge = "9" * 20
    calls = [lambda: lambda_.get_function(FunctionName=name, Qualifier=huge),
             lambda: lambda_.get_function_configuration(FunctionName=f"{name}:{huge}"),
             lambda: lambda_.delete_function(FunctionName=name, Qualifier=huge),
             lambda: lambda_.create_alias(FunctionName=name, Name="big", FunctionVersion=huge)]
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error(excinfo) == (404, "ResourceNotFoundException", "Function not found: "
                                  f"arn:aws:lambda:us-east-1:000000000000:function:{name}:{huge}")
