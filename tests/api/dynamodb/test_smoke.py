"""A first end-to-end pass: create a table, write, read, delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_put_then_get_returns_normalised_item(ddb: Any, make_table: Callable[..., str]) -> None:
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "n": {"N": "1.50"}})
    item = ddb.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"]
    assert item == {"pk": {"S": "a"}, "n": {"N": "1.5"}}
