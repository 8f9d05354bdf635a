"""TagResource, UntagResource, ListTagsOfResource."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest


def arn_of(ddb: Any, table: str) -> str:
    return str(ddb.describe_table(TableName=table)["Table"]["TableArn"])


def tags(ddb: Any, arn: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]}


@pytest.fixture
def arn(ddb: Any, hash_table: str) -> str:
    return arn_of(ddb, hash_table)


def test_new_table_has_no_tags(ddb: Any, arn: str) -> None:
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == []


def test_tag_list_untag(ddb: Any, arn: str) -> None:
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "test"},
                                            {"Key": "team", "Value": ""}])
    assert tags(ddb, arn) == {"env": "test", "team": ""}
    ddb.untag_resource(ResourceArn=arn, TagKeys=["env", "absent"])
    assert tags(ddb, arn) == {"team": ""}


def test_tagging_a_key_again_replaces_its_value(ddb: Any, arn: str) -> None:
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "a"}])
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "b"}])
    assert tags(ddb, arn) == {"env": "b"}


def test_tags_from_create_table(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(Tags=[{"Key": "made", "Value": "at-create"}])
    arn = arn_of(ddb, table)
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "later", "Value": "x"}])
    assert tags(ddb, arn) == {"made": "at-create", "later": "x"}


def test_fifty_tags_allowed(ddb: Any, arn: str) -> None:
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert len(tags(ddb, arn)) == 50


def test_limits_of_key_and_value_length(ddb: Any, arn: str) -> None:
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "k" * 128, "Value": "v" * 256}])
    assert tags(ddb, arn) == {"k" * 128: "v" * 256}


def test_more_than_fifty_tags(ddb: Any, arn: str, expect_error: Callable[..., Any]) -> None:
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(30)])
    expect_error(ddb.tag_resource, "LimitExceededException",
                 "The number of tags on the resource exceeds the limit of 50", ResourceArn=arn,
                 Tags=[{"Key": f"n{i}", "Value": "v"} for i in range(21)])
    assert len(tags(ddb, arn)) == 30


def test_key_too_long(raw: Any, arn: str) -> None:
    status, body = raw.op("TagResource", {"ResourceArn": arn,
                                          "Tags": [{"Key": "k" * 129, "Value": "v"}]})
    assert status == 400
    assert "Member must have length less than or equal to 128" in body["message"]


def test_value_too_long(raw: Any, arn: str) -> None:
    status, body = raw.op("TagResource", {"ResourceArn": arn,
                                          "Tags": [{"Key": "k", "Value": "v" * 257}]})
    assert status == 400
    assert "Member must have length less than or equal to 256" in body["message"]


def test_empty_key(raw: Any, arn: str) -> None:
    status, body = raw.op("TagResource", {"ResourceArn": arn, "Tags": [{"Key": "", "Value": "v"}]})
    assert status == 400
    assert "Member must have length greater than or equal to 1" in body["message"]


@pytest.mark.parametrize("key", ["aws:owner", "AWS:owner"])
def test_reserved_prefix(ddb: Any, arn: str, invalid: Callable[..., Any], key: str) -> None:
    invalid(ddb.tag_resource, "One or more parameter values were invalid: Tag keys starting with "
            "'aws:' are reserved for system use", ResourceArn=arn, Tags=[{"Key": key, "Value": "v"}])


def test_untag_reserved_prefix(ddb: Any, arn: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.untag_resource, "One or more parameter values were invalid: Tag keys starting "
            "with 'aws:' are reserved for system use", ResourceArn=arn, TagKeys=["aws:x"])


def test_no_tags_given(ddb: Any, arn: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.tag_resource, "Atleast one Tag needs to be provided as Input.", ResourceArn=arn,
            Tags=[])


def test_no_tag_keys_given(ddb: Any, arn: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.untag_resource, "Atleast one Tag Key needs to be provided as Input.",
            ResourceArn=arn, TagKeys=[])


@pytest.mark.parametrize("call", ["tag_resource", "untag_resource", "list_tags_of_resource"])
def test_unknown_table_arn(ddb: Any, expect_error: Callable[..., Any], call: str) -> None:
    arn = "arn:aws:dynamodb:us-east-1:000000000000:table/no-such-table"
    extra = {"tag_resource": {"Tags": [{"Key": "a", "Value": "b"}]},
             "untag_resource": {"TagKeys": ["a"]}, "list_tags_of_resource": {}}[call]
    expect_error(getattr(ddb, call), "ResourceNotFoundException",
                 f"Requested resource not found: ResourcArn: {arn} not found", ResourceArn=arn,
                 **extra)


@pytest.mark.parametrize("arn", ["not-an-arn", "arn:aws:dynamodb:us-east-1:000000000000:table/ab",
                                 "arn:aws:s3:::bucket"])
def test_invalid_arn(ddb: Any, invalid: Callable[..., Any], arn: str) -> None:
    invalid(ddb.list_tags_of_resource, f"Invalid TableArn: Invalid ResourceArn provided as input "
            f"{arn}", ResourceArn=arn)


def test_arn_of_other_region_is_not_found(ddb: Any, hash_table: str,
                                          expect_error: Callable[..., Any]) -> None:
    arn = arn_of(ddb, hash_table).replace("us-east-1", "eu-west-1")
    expect_error(ddb.list_tags_of_resource, "ResourceNotFoundException",
                 f"Requested resource not found: ResourcArn: {arn} not found", ResourceArn=arn)


def test_tags_survive_other_table_changes(ddb: Any, arn: str, hash_table: str) -> None:
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "x"}])
    ddb.update_table(TableName=hash_table, StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    assert tags(ddb, arn) == {"env": "x"}


@pytest.mark.slow
def test_tags_persist_across_restart(tmp_path: Any, helpers: Any) -> None:
    client, start_server = helpers.client, helpers.start_server
    server = start_server("--data-dir", str(tmp_path))
    try:
        ddb = client("dynamodb", server.url)
        ddb.create_table(TableName="tagged", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        arn = arn_of(ddb, "tagged")
        ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "kept"}])
    finally:
        server.stop()
    server = start_server("--data-dir", str(tmp_path))
    try:
        assert tags(client("dynamodb", server.url), arn) == {"env": "kept"}
    finally:
        server.stop()


PATTERN = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"


@pytest.mark.parametrize(("tag", "where", "text"), [
    pytest.param({"Key": "a*b", "Value": "v"}, "tags.1.member.key", "a*b", id="key"),
    pytest.param({"Key": "ok", "Value": "x{y}"}, "tags.1.member.value", "x{y}", id="value"),
])
def test_forbidden_characters(ddb: Any, arn: str, invalid: Callable[..., Any],
                              tag: dict[str, str], where: str, text: str) -> None:
    # Tagging restrictions: letters, white space, numbers and + - = . _ : / (@ as elsewhere).
    invalid(ddb.tag_resource, f"1 validation error detected: Value '{text}' at '{where}' failed "
            f"to satisfy constraint: Member must satisfy regular expression pattern: {PATTERN}",
            ResourceArn=arn, Tags=[tag])
    assert tags(ddb, arn) == {}


def test_allowed_characters(ddb: Any, arn: str) -> None:
    allowed = {"Key": "Team Ü 9 +-=._:/@", "Value": "Ωmega 2 +-=._:/@"}
    ddb.tag_resource(ResourceArn=arn, Tags=[allowed])
    assert tags(ddb, arn) == {allowed["Key"]: allowed["Value"]}


def test_untag_forbidden_characters(ddb: Any, arn: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.untag_resource, "1 validation error detected: Value 'a#' at 'tagKeys.2.member' "
            f"failed to satisfy constraint: Member must satisfy regular expression pattern: "
            f"{PATTERN}", ResourceArn=arn, TagKeys=["fine", "a#"])


@pytest.mark.parametrize(("operation", "extra"), [
    ("TagResource", {"Tags": [{"Key": "env", "Value": "x"}]}),
    ("UntagResource", {"TagKeys": ["env"]}),
])
def test_tag_changes_answer_an_empty_body(raw: Any, arn: str, operation: str,
                                          extra: dict[str, Any]) -> None:
    response = raw.http.request(
        "POST", raw.endpoint + "/", body=orjson.dumps({"ResourceArn": arn, **extra}),
        headers={"Content-Type": "application/x-amz-json-1.0",
                 "X-Amz-Target": f"DynamoDB_20120810.{operation}"})
    assert response.status == 200
    assert response.data == b""
