"""Query's validation errors, in AWS's wording."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

P = {":p": {"S": "p"}}
PK_EQ = {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]}}
TYPE_MISMATCH = ("One or more parameter values were invalid: Condition parameter type does not "
                 "match schema type")


def test_missing_table(ddb: Any, expect_error: Callable[..., Any]) -> None:
    expect_error(ddb.query, "ResourceNotFoundException", "Requested resource not found",
                 TableName="no-such-table", KeyConditionExpression="pk = :p",
                 ExpressionAttributeValues=P)


def test_no_key_condition(ddb: Any, sorted_table: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.query, "Either the KeyConditions or KeyConditionExpression parameter must be "
            "specified in the request.", TableName=sorted_table)


@pytest.mark.parametrize(("condition", "values", "message"), [
    ("sk = :a", {":a": {"N": "1"}}, "Query condition missed key schema element: pk"),
    ("pk = :p AND xattr = :a", {":p": {"S": "p"}, ":a": {"N": "1"}},
     "Query condition missed key schema element: sk"),
    ("pk < :p", {":p": {"S": "p"}}, "Query key condition not supported"),
    ("pk = :p OR sk = :a", {":p": {"S": "p"}, ":a": {"N": "1"}},
     "Invalid operator used in KeyConditionExpression: OR"),
    ("pk = :p AND sk <> :a", {":p": {"S": "p"}, ":a": {"N": "1"}},
     "Invalid operator used in KeyConditionExpression: <>"),
    ("pk = :p AND sk IN (:a)", {":p": {"S": "p"}, ":a": {"N": "1"}},
     "Invalid operator used in KeyConditionExpression: IN"),
    ("pk = :p AND attribute_exists(sk)", {":p": {"S": "p"}},
     "Invalid operator used in KeyConditionExpression: attribute_exists"),
    ("pk = :p AND sk > :a AND sk < :b", {":p": {"S": "p"}, ":a": {"N": "1"}, ":b": {"N": "2"}},
     "KeyConditionExpressions must only contain one condition per key"),
    ("pk = :p AND sk BETWEEN :a AND :b", {":p": {"S": "p"}, ":a": {"N": "5"}, ":b": {"N": "1"}},
     "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater "
     "than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound "
     "operand: AttributeValue: {N:1}"),
    ("pk = :p AND begins_with(sk, :a)", {":p": {"S": "p"}, ":a": {"N": "1"}},
     "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
     "operator or function: begins_with, operand type: N"),
    ("pk = :p AND sk = :a", {":p": {"S": "p"}, ":a": {"S": "1"}}, TYPE_MISMATCH),
    ("pk = :p", {":p": {"N": "1"}}, TYPE_MISMATCH),
    ("pk = :p AND sk BETWEEN :a AND :b", {":p": {"S": "p"}, ":a": {"S": "1"}, ":b": {"S": "2"}},
     TYPE_MISMATCH),
    ("pk = :p", {":p": {"S": ""}},
     "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
     "contain an empty string value. Key: pk"),
    ("pk = :p AND sk = :a", {":p": {"S": "p"}},
     "Invalid KeyConditionExpression: An expression attribute value used in expression is not "
     "defined; attribute value: :a"),
    ("pk = :p AND", {":p": {"S": "p"}},
     "Invalid KeyConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\""),
])
def test_key_condition_expression_errors(ddb: Any, sorted_table: str,
                                         invalid: Callable[..., Any], condition: str,
                                         values: dict[str, Any], message: str) -> None:
    invalid(ddb.query, message, TableName=sorted_table, KeyConditionExpression=condition,
            ExpressionAttributeValues=values)


def test_unused_expression_value(ddb: Any, sorted_table: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.query, "Value provided in ExpressionAttributeValues unused in expressions: "
            "keys: {:x}", TableName=sorted_table, KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={**P, ":x": {"S": "x"}})


def test_unused_expression_name(ddb: Any, sorted_table: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.query, "Value provided in ExpressionAttributeNames unused in expressions: "
            "keys: {#x}", TableName=sorted_table, KeyConditionExpression="pk = :p",
            ExpressionAttributeValues=P, ExpressionAttributeNames={"#x": "x"})


@pytest.mark.parametrize(("key_conditions", "message"), [
    ({"sk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}},
     "Query condition missed key schema element: pk"),
    ({"pk": {"ComparisonOperator": "GT", "AttributeValueList": [{"S": "p"}]}},
     "Query key condition not supported"),
    ({**PK_EQ, "sk": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"N": "1"}]}},
     "Attempted conditional constraint is not an indexable operation"),
    ({**PK_EQ, "sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}]}},
     "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN "
     "ComparisonOperator"),
    ({**PK_EQ, "sk": {"ComparisonOperator": "BETWEEN",
                      "AttributeValueList": [{"N": "9"}, {"N": "1"}]}},
     "The BETWEEN condition was provided a range where the lower bound is greater than the upper "
     "bound"),
    ({**PK_EQ, "sk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "1"}]}},
     TYPE_MISMATCH),
])
def test_legacy_key_condition_errors(ddb: Any, sorted_table: str, invalid: Callable[..., Any],
                                     key_conditions: dict[str, Any], message: str) -> None:
    invalid(ddb.query, message, TableName=sorted_table, KeyConditions=key_conditions)


def test_key_conditions_conflict_with_key_condition_expression(
        ddb: Any, sorted_table: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.query, "Can not use both expression and non-expression parameters in the same "
            "request: Non-expression parameters: {QueryFilter, KeyConditions} Expression "
            "parameters: {ProjectionExpression, FilterExpression, KeyConditionExpression}",
            TableName=sorted_table, KeyConditions=PK_EQ,
            QueryFilter={"n": {"ComparisonOperator": "NOT_NULL"}}, KeyConditionExpression="pk = :p",
            FilterExpression="attribute_exists(n)", ProjectionExpression="n",
            ExpressionAttributeValues=P)


def test_key_conditions_beside_filter_and_projection_expressions(ddb: Any,
                                                                 sorted_table: str) -> None:
    # KeyConditions conflicts only with KeyConditionExpression (recorded against AWS by the
    # ExtendDB suite, tests/test_conditional_operator.py).
    response = ddb.query(TableName=sorted_table, KeyConditions=PK_EQ, FilterExpression="n = :one",
                         ProjectionExpression="sk", ExpressionAttributeValues={":one": {"N": "1"}})
    assert response["Items"] == [{"sk": {"N": str(i)}} for i in (1, 4, 7)]
    assert response["ScannedCount"] == 10


def test_key_conditions_beside_expressions_still_check_unused_values(
        ddb: Any, sorted_table: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.query, "Value provided in ExpressionAttributeValues unused in expressions: "
            "keys: {:x}", TableName=sorted_table, KeyConditions=PK_EQ,
            FilterExpression="attribute_exists(n)", ExpressionAttributeValues={":x": {"N": "1"}})


@pytest.mark.parametrize(("extra", "message"), [
    ({}, "ConditionalOperator cannot be used without Filter or Expected"),
    ({"QueryFilter": {}}, "ConditionalOperator cannot be used without Filter or Expected"),
    ({"QueryFilter": {"n": {"ComparisonOperator": "NOT_NULL"}}},
     "ConditionalOperator can only be used when Filter or Expected has two or more elements"),
])
def test_conditional_operator_needs_two_filter_conditions(
        ddb: Any, sorted_table: str, invalid: Callable[..., Any], extra: dict[str, Any],
        message: str) -> None:
    invalid(ddb.query, message, TableName=sorted_table, KeyConditions=PK_EQ,
            ConditionalOperator="AND", **extra)


def test_conditional_operator_reported_before_missing_key_condition(
        ddb: Any, sorted_table: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.query, "ConditionalOperator cannot be used without Filter or Expected",
            TableName=sorted_table, ConditionalOperator="OR")


def test_conditional_operator_with_an_expression_is_mixing(
        ddb: Any, sorted_table: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.query, "Can not use both expression and non-expression parameters in the same "
            "request: Non-expression parameters: {ConditionalOperator} Expression parameters: "
            "{KeyConditionExpression}", TableName=sorted_table, ConditionalOperator="AND",
            KeyConditionExpression="pk = :p", ExpressionAttributeValues=P)


def test_filter_expression_on_key_attribute(ddb: Any, sorted_table: str,
                                            invalid: Callable[..., Any]) -> None:
    invalid(ddb.query, "Filter Expression can only contain non-primary key attributes: Primary "
            "key attribute: sk", TableName=sorted_table, KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={**P, ":a": {"N": "1"}}, FilterExpression="sk > :a")


def test_query_filter_on_key_attribute(ddb: Any, sorted_table: str,
                                       invalid: Callable[..., Any]) -> None:
    invalid(ddb.query, "QueryFilter can only contain non-primary key attributes: Primary key "
            "attribute: pk", TableName=sorted_table, KeyConditions=PK_EQ,
            QueryFilter={"pk": {"ComparisonOperator": "NOT_NULL"}})


@pytest.mark.parametrize(("select", "extra", "message"), [
    ("ALL_ATTRIBUTES", {"ProjectionExpression": "n"},
     "1 validation error detected: Cannot specify the ProjectionExpression when choosing to get "
     "ALL_ATTRIBUTES"),
    ("COUNT", {"ProjectionExpression": "n"},
     "1 validation error detected: Cannot specify the ProjectionExpression when choosing to get "
     "only the Count"),
    ("SPECIFIC_ATTRIBUTES", {},
     "1 validation error detected: Must specify the AttributesToGet or ProjectionExpression when "
     "choosing to get SPECIFIC_ATTRIBUTES"),
    ("ALL_PROJECTED_ATTRIBUTES", {},
     "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"),
])
def test_select_errors(ddb: Any, sorted_table: str, invalid: Callable[..., Any], select: str,
                       extra: dict[str, Any], message: str) -> None:
    invalid(ddb.query, message, TableName=sorted_table, KeyConditionExpression="pk = :p",
            ExpressionAttributeValues=P, Select=select, **extra)


def test_select_count_with_attributes_to_get(ddb: Any, sorted_table: str,
                                             invalid: Callable[..., Any]) -> None:
    invalid(ddb.query, "1 validation error detected: Cannot specify the AttributesToGet when "
            "choosing to get only the Count",
            TableName=sorted_table, KeyConditions=PK_EQ, Select="COUNT", AttributesToGet=["n"])


def test_duplicate_attributes_to_get(ddb: Any, sorted_table: str,
                                     invalid: Callable[..., Any]) -> None:
    invalid(ddb.query, "One or more parameter values were invalid: Duplicate value in attribute "
            "name: n", TableName=sorted_table, KeyConditions=PK_EQ, AttributesToGet=["n", "n"])


def test_limit_zero(raw: Any, sorted_table: str) -> None:
    # boto3 refuses Limit 0 itself, so this goes over plain HTTP.
    status, body = raw.op("Query", {"TableName": sorted_table, "KeyConditionExpression": "pk = :p",
                                    "ExpressionAttributeValues": P, "Limit": 0})
    assert status == 400 and body["__type"].endswith("#ValidationException")
    assert body["message"] == ("1 validation error detected: Value '0' at 'limit' failed to "
                               "satisfy constraint: Member must have value greater than or "
                               "equal to 1")


def test_bad_select_enum(ddb: Any, sorted_table: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.query, "1 validation error detected: Value 'SOME' at 'select' failed to satisfy "
            "constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, "
            "ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]", TableName=sorted_table,
            KeyConditionExpression="pk = :p", ExpressionAttributeValues=P, Select="SOME")


@pytest.mark.parametrize("start", [
    {"pk": {"S": "p"}, "x": {"S": "1"}},
    {"pk": {"N": "1"}},
    {"sk": {"S": "p"}},
    {},
])
def test_exclusive_start_key_of_hash_only_table_must_match_schema(
        ddb: Any, hash_table: str, invalid: Callable[..., Any], start: dict[str, Any]) -> None:
    invalid(ddb.query, "The provided starting key is invalid: The provided key element does not "
            "match the schema", TableName=hash_table, KeyConditionExpression="pk = :p",
            ExpressionAttributeValues=P, ExclusiveStartKey=start)


def test_exclusive_start_key_of_hash_only_table(ddb: Any, hash_table: str,
                                                invalid: Callable[..., Any]) -> None:
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "p"}})
    response = ddb.query(TableName=hash_table, KeyConditionExpression="pk = :p",
                         ExpressionAttributeValues=P, ExclusiveStartKey={"pk": {"S": "p"}})
    assert response["Items"] == [] and "LastEvaluatedKey" not in response
    invalid(ddb.query, "The provided starting key is outside query boundaries based on provided "
            "conditions", TableName=hash_table, KeyConditionExpression="pk = :p",
            ExpressionAttributeValues=P, ExclusiveStartKey={"pk": {"S": "q"}})


@pytest.mark.parametrize("start", [
    {"pk": {"S": "p"}},
    {"pk": {"S": "p"}, "sk": {"S": "1"}},
    {"pk": {"S": "p"}, "sk": {"N": "1"}, "x": {"N": "1"}},
    {"sk": {"N": "1"}},
])
def test_exclusive_start_key_not_matching_schema(ddb: Any, sorted_table: str,
                                                 invalid: Callable[..., Any],
                                                 start: dict[str, Any]) -> None:
    invalid(ddb.query, "The provided starting key is invalid: The provided key element does not "
            "match the schema", TableName=sorted_table, KeyConditionExpression="pk = :p",
            ExpressionAttributeValues=P, ExclusiveStartKey=start)


def test_exclusive_start_key_of_other_partition(ddb: Any, sorted_table: str,
                                                invalid: Callable[..., Any]) -> None:
    invalid(ddb.query, "The provided starting key is outside query boundaries based on provided "
            "conditions", TableName=sorted_table, KeyConditionExpression="pk = :p",
            ExpressionAttributeValues=P, ExclusiveStartKey={"pk": {"S": "q"}, "sk": {"N": "1"}})


def test_exclusive_start_key_outside_range(ddb: Any, sorted_table: str,
                                           invalid: Callable[..., Any]) -> None:
    invalid(ddb.query, "The provided starting key does not match the range key predicate",
            TableName=sorted_table, KeyConditionExpression="pk = :p AND sk > :a",
            ExpressionAttributeValues={**P, ":a": {"N": "5"}},
            ExclusiveStartKey={"pk": {"S": "p"}, "sk": {"N": "1"}})


def test_unknown_index(ddb: Any, sorted_table: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.query, "The table does not have the specified index: nope",
            TableName=sorted_table, IndexName="nope", KeyConditionExpression="pk = :p",
            ExpressionAttributeValues=P)


def test_expression_error_before_missing_table(ddb: Any, invalid: Callable[..., Any]) -> None:
    invalid(ddb.query, "Invalid KeyConditionExpression: An expression attribute value used in "
            "expression is not defined; attribute value: :p", TableName="no-such-table",
            KeyConditionExpression="pk = :p")
