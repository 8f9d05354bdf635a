"""DynamoDB numbers: canonical form, 38 digits of precision and the supported magnitude range."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize(("sent", "stored"), [
    ("1.50", "1.5"),
    ("001", "1"),
    ("-0", "0"),
    ("0.000", "0"),
    ("+7", "7"),
    ("1e3", "1000"),
    ("1.5E-3", "0.0015"),
    ("-12.3400e1", "-123.4"),
    (".5", "0.5"),
    ("5.", "5"),
    ("9.9999999999999999999999999999999999999E+125",
     "99999999999999999999999999999999999999" + "0" * 88),
    ("1E-130", "0." + "0" * 129 + "1"),
    ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
])
def test_numbers_come_back_canonical(ddb: Any, table: str, sent: str, stored: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "n": {"N": sent}})
    item = ddb.get_item(TableName=table, Key={"pk": {"S": "k"}})["Item"]
    assert item["n"] == {"N": stored}


def test_number_sets_are_canonical(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "ns": {"NS": ["1.0", "2e1"]}})
    item = ddb.get_item(TableName=table, Key={"pk": {"S": "k"}})["Item"]
    assert sorted(item["ns"]["NS"]) == ["1", "20"]


@pytest.mark.parametrize(("number", "message"), [
    ("1e126", "Number overflow. Attempting to store a number with magnitude larger than "
              "supported range"),
    ("-1e126", "Number overflow. Attempting to store a number with magnitude larger than "
               "supported range"),
    ("1e-131", "Number underflow. Attempting to store a number with magnitude smaller than "
               "supported range"),
    ("-1e-131", "Number underflow. Attempting to store a number with magnitude smaller than "
                "supported range"),
    ("123456789012345678901234567890123456789",
     "Attempting to store more than 38 significant digits in a Number"),
    ("-1.23456789012345678901234567890123456789",
     "Attempting to store more than 38 significant digits in a Number"),
    ("", "The parameter cannot be converted to a numeric value"),
    ("b", "The parameter cannot be converted to a numeric value: b"),
    ("1..2", "The parameter cannot be converted to a numeric value: 1..2"),
    ("0x10", "The parameter cannot be converted to a numeric value: 0x10"),
    ("Infinity", "The parameter cannot be converted to a numeric value: Infinity"),
])
def test_number_errors(ddb: Any, table: str, invalid: Any, number: str, message: str) -> None:
    invalid(ddb.put_item, message, TableName=table, Item={"pk": {"S": "k"}, "n": {"N": number}})


def test_numeric_key_ordering_ignores_representation(ddb: Any, make_table: Any) -> None:
    name = make_table(hash_type="N")
    ddb.put_item(TableName=name, Item={"pk": {"N": "10.0"}, "v": {"S": "ten"}})
    item = ddb.get_item(TableName=name, Key={"pk": {"N": "1e1"}})["Item"]
    assert item == {"pk": {"N": "10"}, "v": {"S": "ten"}}


def test_arithmetic_keeps_full_precision(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"},
                                        "n": {"N": "0.1234567890123456789012345678901234567"}})
    response = ddb.update_item(TableName=table, Key={"pk": {"S": "k"}},
                               UpdateExpression="SET n = n + :v",
                               ExpressionAttributeValues={":v": {"N": "1"}},
                               ReturnValues="UPDATED_NEW")
    assert response["Attributes"]["n"] == {"N": "1.1234567890123456789012345678901234567"}


def test_arithmetic_overflow_is_rejected(ddb: Any, table: str, invalid: Any) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"},
                                        "n": {"N": "9.9999999999999999999999999999999999999E+125"}})
    invalid(ddb.update_item,
            "Number overflow. Attempting to store a number with magnitude larger than supported "
            "range", TableName=table, Key={"pk": {"S": "k"}}, UpdateExpression="ADD n :v",
            ExpressionAttributeValues={":v": {"N": "9.9999999999999999999999999999999999999E+125"}})
