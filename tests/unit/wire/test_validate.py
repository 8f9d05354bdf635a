"""wire/validate.py: what the validator does to a request as AWS's deserialiser would (nulls,
unknown members, integral numbers) and how it renders values in messages."""

from __future__ import annotations

from typing import Any

import pytest

from headwater.wire.errors import SerializationException, ValidationException
from headwater.wire.models import service_model
from headwater.wire.validate import compile_input, name_or_arn, render


def validator(service: str, operation: str) -> Any:
    return compile_input(service_model(service).operation_model(operation).input_shape)


def test_render_is_javas_and_survives_any_depth() -> None:
    assert render([1, None, True, "a", {"k": [1, 2], "z": None}, []]) == (
        "[1, null, true, a, {k=[1, 2], z=null}, []]")
    deep: list[Any] = []
    for _ in range(5000):
        deep = [deep]
    assert render(deep) == "[" * 5001 + "]" * 5001


def test_null_and_unknown_members_are_removed_integral_numbers_become_integers() -> None:
    request = {"TableName": "abc", "Limit": 2.0, "ExclusiveStartTableName": None,
               "Unknown": {"deep": [1]}}
    validator("dynamodb", "ListTables")(request)
    assert request == {"Limit": 2}
    nested = {"TransactItems": [{"Put": {"TableName": "abc", "Item": {}, "Extra": 1,
                                         "ConditionExpression": None}}]}
    validator("dynamodb", "TransactWriteItems")(nested)
    assert nested == {"TransactItems": [{"Put": {"TableName": "abc", "Item": {}}}]}


@pytest.mark.parametrize(("request_", "message"), [
    ({"TransactStatements": [{"Statement": "SELECT"}, None]},
     "1 validation error detected: Value '[{Statement=SELECT}, null]' at 'transactStatements' "
     "failed to satisfy constraint: Member must satisfy constraint: [Member must not be null]"),
])
def test_null_list_elements_break_the_collection_constraint(request_: dict[str, Any],
                                                            message: str) -> None:
    with pytest.raises(ValidationException) as caught:
        validator("dynamodb", "ExecuteTransaction")(request_)
    assert caught.value.message == message


def test_null_map_values_break_the_map_value_constraint() -> None:
    with pytest.raises(ValidationException) as caught:
        validator("dynamodb", "BatchWriteItem")({"RequestItems": {"abc": None}})
    assert caught.value.message == (
        "1 validation error detected: Value '{abc=null}' at 'requestItems' failed to satisfy "
        "constraint: Map value must satisfy constraint: [Member must not be null]")


@pytest.mark.parametrize(("value", "message"), [
    (None, "Unexpected value type in payload"),
    ("x", "Unexpected value type in payload"),
    ([], "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue"),
])
def test_an_attribute_value_must_be_an_object(value: Any, message: str) -> None:
    with pytest.raises(SerializationException) as caught:
        validator("dynamodb", "PutItem")({"TableName": "abc", "Item": {"a": value}})
    assert caught.value.message == message


@pytest.mark.parametrize(("length", "failure"), [
    (0, "have length greater than or equal to 1"), (1, None), (1024, None),
    (1025, "have length less than or equal to 1024"),
])
def test_map_keys_of_an_allowed_length_pass_inline_others_get_the_checks_message(
        length: int, failure: str | None) -> None:
    """A map checks a plain string key's length inline and calls the key's check only
    outside it: the boundaries give the same answers and messages either way."""
    name = "t" * length
    request = {"RequestItems": {name: [{"PutRequest": {"Item": {}}}]}}
    validate = validator("dynamodb", "BatchWriteItem")
    if failure is None:
        validate(request)
        return
    with pytest.raises(ValidationException) as caught:
        validate(request)
    assert caught.value.message == (
        f"1 validation error detected: Value '{name}' at 'requestItems.key' failed to "
        f"satisfy constraint: Member must {failure}")


def test_a_map_key_that_is_not_a_string_takes_the_keys_check() -> None:
    with pytest.raises(SerializationException):
        validator("dynamodb", "PutItem")({"TableName": "abc", "Item": {1: {"S": "x"}}})


def test_a_patterned_string_seen_valid_passes_again_and_an_invalid_one_is_always_reported(
        ) -> None:
    """Table names (pattern [a-zA-Z0-9_.-]+, 3-255 long) that passed are remembered; one
    that failed is checked, and reported, every time."""
    model = service_model("dynamodb")
    overrides = {"TableNameOrArn": name_or_arn(model.shape_for("TableName"),
                                               model.shape_for("TableArn"))}
    validate = compile_input(model.operation_model("DescribeTable").input_shape,
                             overrides=overrides)
    for _ in range(3):
        validate({"TableName": "orders"})
        with pytest.raises(ValidationException) as caught:
            validate({"TableName": "a;"})
        assert "satisfy regular expression pattern" in caught.value.message
        assert "have length greater than or equal to 3" in caught.value.message
        with pytest.raises(SerializationException):
            validate({"TableName": 5})


def test_null_and_unknown_members_are_dropped_only_when_there_are_some() -> None:
    request: dict[str, Any] = {"TableName": "orders"}
    validator("dynamodb", "DescribeTable")(request)
    assert request == {"TableName": "orders"}
    request = {"TableName": "orders", "Extra": 1}
    validator("dynamodb", "DescribeTable")(request)
    assert request == {"TableName": "orders"}
