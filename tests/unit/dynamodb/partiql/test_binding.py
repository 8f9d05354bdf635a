"""Binding parameters and finding the key a WHERE clause names."""

from __future__ import annotations

from typing import Any

import pytest

from headwater.dynamodb.partiql import statements as st
from headwater.dynamodb.partiql.binding import bind, full_key, key_equalities
from headwater.dynamodb.partiql.parser import parse
from headwater.dynamodb.table import Table
from headwater.wire.errors import ValidationException


def make_table(range_key: bool = True) -> Table:
    schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
    definitions = [{"AttributeName": "pk", "AttributeType": "S"}]
    if range_key:
        schema.append({"AttributeName": "sk", "KeyType": "RANGE"})
        definitions.append({"AttributeName": "sk", "AttributeType": "N"})
    return Table(1, "000000000000", "us-east-1", "t",
                 {"KeySchema": schema, "AttributeDefinitions": definitions})


def where(text: str, *parameters: Any) -> Any:
    statement = bind(parse(f"SELECT * FROM t WHERE {text}"), list(parameters))
    assert isinstance(statement, st.Select)
    return statement.where


def test_key_equalities_from_top_level_conjuncts() -> None:
    table = make_table()
    assert key_equalities(table, where("x = 1 AND 'a' = pk AND sk = ?", {"N": "2"})) == {
        "pk": {"S": "a"}, "sk": {"N": "2"}}


@pytest.mark.parametrize("text", ["pk = 'a' OR sk = 1", "NOT pk = 'a'", "pk > 'a'",
                                  "pk.x = 'a'", "pk = other"])
def test_non_equalities_are_not_keys(text: str) -> None:
    assert key_equalities(make_table(), where(text)) == {}


def test_full_key_needs_every_key_attribute() -> None:
    table = make_table()
    with pytest.raises(ValidationException) as caught:
        full_key(table, where("pk = 'a'"))
    assert caught.value.message == (
        "Where clause does not contain a mandatory equality on all key attributes")
    assert full_key(make_table(range_key=False), where("pk = 'a'")) == {"pk": {"S": "a"}}


def test_key_value_of_wrong_type() -> None:
    with pytest.raises(ValidationException) as caught:
        key_equalities(make_table(), where("sk = 'one'"))
    assert caught.value.message == (
        "Key attribute's data type should match its data type in table's schema: Key sk")


def test_parameters_are_checked_attribute_values() -> None:
    with pytest.raises(ValidationException):
        bind(parse("SELECT * FROM t WHERE a = ?"), [{"N": "not a number"}])
