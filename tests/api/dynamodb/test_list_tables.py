"""ListTables: ordering, Limit and ExclusiveStartTableName pagination, limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def three_tables(make_table: Callable[..., str]) -> list[str]:
    return sorted(make_table() for _ in range(3))


def test_lists_created_tables_in_order(ddb: Any, three_tables: list[str]) -> None:
    names = ddb.list_tables()["TableNames"]
    assert [n for n in names if n in three_tables] == three_tables
    assert names == sorted(names)


def test_limit_pages_with_last_evaluated_name(ddb: Any, three_tables: list[str]) -> None:
    first = ddb.list_tables(ExclusiveStartTableName=three_tables[0], Limit=1)
    assert first["TableNames"][0] > three_tables[0]
    assert first["LastEvaluatedTableName"] == first["TableNames"][0]
    assert len(first["TableNames"]) == 1


def test_pagination_walks_every_table(ddb: Any, three_tables: list[str]) -> None:
    seen: list[str] = []
    kwargs: dict[str, Any] = {"Limit": 2}
    while True:
        page = ddb.list_tables(**kwargs)
        seen += page["TableNames"]
        if "LastEvaluatedTableName" not in page:
            break
        kwargs["ExclusiveStartTableName"] = page["LastEvaluatedTableName"]
    assert set(three_tables) <= set(seen)
    assert seen == sorted(seen) and len(seen) == len(set(seen))


def test_last_page_has_no_last_evaluated_name(ddb: Any, three_tables: list[str]) -> None:
    page = ddb.list_tables(ExclusiveStartTableName="z" * 200)
    assert "LastEvaluatedTableName" not in page


def test_paginator_is_supported(ddb: Any, three_tables: list[str]) -> None:
    names = [n for page in ddb.get_paginator("list_tables").paginate(
        PaginationConfig={"PageSize": 1}) for n in page["TableNames"]]
    assert set(three_tables) <= set(names)


@pytest.mark.parametrize(("limit", "message"), [
    (101, "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: "
          "Member must have value less than or equal to 100"),
    (0, "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"),
])
def test_limit_range(raw: Any, limit: int, message: str) -> None:
    status, body = raw.op("ListTables", {"Limit": limit})
    assert status == 400
    assert body["__type"] == "com.amazon.coral.validate#ValidationException"
    assert body["message"] == message


def test_exclusive_start_name_is_validated(raw: Any) -> None:
    status, body = raw.op("ListTables", {"ExclusiveStartTableName": "a;"})
    assert status == 400
    assert body["message"] == (
        "2 validation errors detected: Value 'a;' at 'exclusiveStartTableName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value 'a;' "
        "at 'exclusiveStartTableName' failed to satisfy constraint: Member must have length "
        "greater than or equal to 3")


def test_names_sort_bytewise_upper_before_lower(ddb: Any, unique: Callable[[str], str]) -> None:
    base = unique("lt")
    names = [base + suffix for suffix in ("b", "B", "a", "_", "0")]
    for name in names:
        ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
    try:
        listed = [n for n in ddb.list_tables(ExclusiveStartTableName=base)["TableNames"]
                  if n.startswith(base)]
        assert listed == [base + s for s in ("0", "B", "_", "a", "b")]
    finally:
        for name in names:
            ddb.delete_table(TableName=name)


def test_unknown_exclusive_start_name_is_accepted(ddb: Any, three_tables: list[str]) -> None:
    page = ddb.list_tables(ExclusiveStartTableName=three_tables[0] + "-gone")
    assert three_tables[0] not in page["TableNames"]
    assert three_tables[1] in page["TableNames"] or "LastEvaluatedTableName" in page
