"""ExpressionAttributeNames and ExpressionAttributeValues: substitution and AWS's errors for
unused, undefined, empty, malformed and misplaced names and values."""

from __future__ import annotations

from typing import Any

import pytest

KEY = {"pk": {"S": "k"}}


def test_names_substitute_reserved_words(ddb: Any, table: str) -> None:
    ddb.update_item(TableName=table, Key=KEY, UpdateExpression="SET #name = :v, #size = :v",
                    ExpressionAttributeNames={"#name": "name", "#size": "size"},
                    ExpressionAttributeValues={":v": {"S": "x"}})
    item = ddb.get_item(TableName=table, Key=KEY, ProjectionExpression="#n",
                        ExpressionAttributeNames={"#n": "name"})["Item"]
    assert item == {"name": {"S": "x"}}


def test_names_allow_any_characters(ddb: Any, table: str) -> None:
    ddb.update_item(TableName=table, Key=KEY, UpdateExpression="SET #odd = :v",
                    ExpressionAttributeNames={"#odd": "with space-and.dot[0]"},
                    ExpressionAttributeValues={":v": {"N": "1"}})
    item = ddb.get_item(TableName=table, Key=KEY)["Item"]
    assert item["with space-and.dot[0]"] == {"N": "1"}


def test_value_used_in_condition_and_update(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={**KEY, "v": {"N": "1"}})
    ddb.update_item(TableName=table, Key=KEY, UpdateExpression="SET v = :v",
                    ConditionExpression="v <> :v", ExpressionAttributeValues={":v": {"N": "2"}})
    assert ddb.get_item(TableName=table, Key=KEY)["Item"]["v"] == {"N": "2"}


@pytest.mark.parametrize(("kwargs", "message"), [
    pytest.param(dict(UpdateExpression="SET a = :v", ExpressionAttributeValues={
        ":v": {"N": "1"}, ":w": {"N": "2"}}),
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}",
        id="unused-value"),
    pytest.param(dict(UpdateExpression="SET a = :v", ExpressionAttributeValues={
        ":v": {"N": "1"}}, ExpressionAttributeNames={"#a": "a"}),
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}",
        id="unused-name"),
    pytest.param(dict(UpdateExpression="REMOVE a", ConditionExpression="b = :b",
                      ExpressionAttributeValues={":b": {"S": "a"}, ":c": {"S": "a"}}),
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:c}",
        id="unused-with-condition"),
    pytest.param(dict(UpdateExpression="SET a = :v", ExpressionAttributeValues={}),
                 "ExpressionAttributeValues must not be empty", id="empty-values"),
    pytest.param(dict(UpdateExpression="SET a = b", ExpressionAttributeNames={}),
                 "ExpressionAttributeNames must not be empty", id="empty-names"),
    pytest.param(dict(ExpressionAttributeValues={":v": {"N": "1"}}),
                 "ExpressionAttributeValues can only be specified when using expressions: "
                 "UpdateExpression and ConditionExpression are null",
                 id="values-without-expression"),
    pytest.param(dict(ExpressionAttributeNames={"#a": "a"}),
                 "ExpressionAttributeNames can only be specified when using expressions",
                 id="names-without-expression"),
    pytest.param(dict(UpdateExpression="SET a = :v", ExpressionAttributeValues={":v": {}}),
                 "ExpressionAttributeValues contains invalid value: Supplied AttributeValue is "
                 "empty, must contain exactly one of the supported datatypes for key :v",
                 id="empty-value"),
    pytest.param(dict(UpdateExpression="SET a = :v", ExpressionAttributeValues={
        ":v": {"SS": ["a", "a"]}}),
        "ExpressionAttributeValues contains invalid value: One or more parameter values were "
        "invalid: Input collection [a, a] contains duplicates. for key :v",
        id="duplicate-set-value"),
    pytest.param(dict(UpdateExpression="SET a = :v", ExpressionAttributeValues={
        ":v": {"N": "b"}}),
        "ExpressionAttributeValues contains invalid value: The parameter cannot be converted to "
        "a numeric value: b for key :v", id="bad-number"),
    pytest.param(dict(UpdateExpression="SET a = :v", ExpressionAttributeValues={
        ":v": {"NS": []}}),
        "ExpressionAttributeValues contains invalid value: One or more parameter values were "
        "invalid: An number set  may not be empty for key :v", id="empty-set"),
    pytest.param(dict(UpdateExpression="SET a = :v", ExpressionAttributeValues={
        ":v": {"S": "a", "N": "1"}}),
        "ExpressionAttributeValues contains invalid value: Supplied AttributeValue has more "
        "than one datatypes set, must contain exactly one of the supported datatypes for key :v",
        id="two-types"),
    pytest.param(dict(UpdateExpression="SET a = :v", ExpressionAttributeValues={
        ":v": {"N": "1"}, "w": {"S": "a"}}),
        'ExpressionAttributeValues contains invalid key: Syntax error; key: "w"',
        id="value-key-without-colon"),
    pytest.param(dict(UpdateExpression="SET #a = :v", ExpressionAttributeValues={
        ":v": {"N": "1"}}, ExpressionAttributeNames={"#a": "a", "b": "b"}),
        'ExpressionAttributeNames contains invalid key: Syntax error; key: "b"',
        id="name-key-without-hash"),
    pytest.param(dict(UpdateExpression="SET #a = :v", ExpressionAttributeValues={
        ":v": {"N": "1"}}, ExpressionAttributeNames={"#a": ""}),
        "ExpressionAttributeNames contains invalid value: Empty attribute name for key #a",
        id="empty-attribute-name"),
])
def test_errors(ddb: Any, table: str, invalid: Any, kwargs: dict[str, Any], message: str) -> None:
    invalid(ddb.update_item, message, TableName=table, Key=KEY, **kwargs)


def test_undefined_value_in_condition(ddb: Any, table: str, invalid: Any) -> None:
    invalid(ddb.delete_item, "Invalid ConditionExpression: An expression attribute value used in "
            "expression is not defined; attribute value: :v", TableName=table, Key=KEY,
            ConditionExpression="a = :v")


def test_undefined_name_in_projection(ddb: Any, table: str, invalid: Any) -> None:
    invalid(ddb.get_item, "Invalid ProjectionExpression: An expression attribute name used in "
            "the document path is not defined; attribute name: #a", TableName=table, Key=KEY,
            ProjectionExpression="#a", ExpressionAttributeNames={"#b": "b"})


def test_expression_and_legacy_parameters_together(ddb: Any, table: str, invalid: Any) -> None:
    invalid(ddb.put_item, "Can not use both expression and non-expression parameters in the same "
            "request: Non-expression parameters: {Expected} Expression parameters: "
            "{ConditionExpression}", TableName=table, Item=KEY,
            ConditionExpression="attribute_exists(a)", Expected={"a": {"Exists": False}})


def test_invalid_key_reported_before_invalid_value(ddb: Any, table: str, invalid: Any) -> None:
    invalid(ddb.update_item, 'ExpressionAttributeValues contains invalid key: Syntax error; '
            'key: "b"', TableName=table, Key=KEY, UpdateExpression="SET a = :b",
            ExpressionAttributeValues={":b": {"SS": []}, "b": {"S": "a"}})


def test_names_checked_before_values(ddb: Any, table: str, invalid: Any) -> None:
    invalid(ddb.update_item, 'ExpressionAttributeNames contains invalid key: Syntax error; '
            'key: "a"', TableName=table, Key=KEY, UpdateExpression="SET a = :b",
            ExpressionAttributeNames={"a": "a"}, ExpressionAttributeValues={"b": {"S": "a"}})


@pytest.mark.parametrize(("operation", "kwargs", "suffix"), [
    ("put_item", {"Item": KEY, "Expected": {"a": {"Exists": False}}},
     ": ConditionExpression is null"),
    ("delete_item", {"Key": KEY}, ": ConditionExpression is null"),
    ("update_item", {"Key": KEY, "AttributeUpdates": {"a": {"Value": {"S": "x"}}}},
     ": UpdateExpression and ConditionExpression are null"),
])
def test_values_without_expressions_name_the_missing_ones(ddb: Any, table: str, invalid: Any,
                                                          operation: str, kwargs: dict[str, Any],
                                                          suffix: str) -> None:
    invalid(getattr(ddb, operation), "ExpressionAttributeValues can only be specified when using "
            "expressions" + suffix, TableName=table,
            ExpressionAttributeValues={":v": {"S": "x"}}, **kwargs)


def test_mixed_parameters_are_listed_in_aws_order(ddb: Any, table: str, invalid: Any) -> None:
    invalid(ddb.update_item, "Can not use both expression and non-expression parameters in the "
            "same request: Non-expression parameters: {AttributeUpdates, Expected} Expression "
            "parameters: {UpdateExpression, ConditionExpression}", TableName=table, Key=KEY,
            AttributeUpdates={"a": {"Value": {"S": "x"}}}, Expected={"a": {"Exists": False}},
            UpdateExpression="SET a = :v", ConditionExpression="attribute_exists(a)",
            ExpressionAttributeValues={":v": {"S": "x"}})


def test_empty_attribute_name_in_projection_and_condition(ddb: Any, table: str,
                                                          invalid: Any) -> None:
    invalid(ddb.get_item, "ExpressionAttributeNames contains invalid value: Empty attribute name "
            "for key #e", TableName=table, Key=KEY, ProjectionExpression="#a, #e",
            ExpressionAttributeNames={"#a": "a", "#e": ""})
    invalid(ddb.put_item, "ExpressionAttributeNames contains invalid value: Empty attribute name "
            "for key #e", TableName=table, Item=KEY, ConditionExpression="attribute_exists(#e)",
            ExpressionAttributeNames={"#e": ""})
    assert "Item" not in ddb.get_item(TableName=table, Key=KEY)
