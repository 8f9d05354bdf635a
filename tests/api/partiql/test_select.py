"""ExecuteStatement SELECT: key reads, scans, filters, projections, parameters, pagination."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from partiql_support import N, S, assert_error, run


@pytest.fixture
def people(ddb: Any, sorted_table: str) -> str:
    rows = [
        ("a", 1, {"name": S("ann"), "age": N(30), "tags": {"SS": ["x", "y"]},
                  "m": {"M": {"k": {"L": [N(1), N(2)]}, "z": S("deep")}}}),
        ("a", 2, {"name": S("bob"), "age": N(40), "nothing": {"NULL": True}}),
        ("a", 3, {"name": S("carl"), "age": S("old")}),
        ("b", 1, {"name": S("dora"), "age": N(25), "tags": {"SS": ["y"]}}),
        ("c", 7, {"name": S("eve")}),
    ]
    for pk, sk, rest in rows:
        ddb.put_item(TableName=sorted_table, Item={"pk": S(pk), "sk": N(sk), **rest})
    return sorted_table


def names(response: dict[str, Any]) -> list[str]:
    return sorted(item["name"]["S"] for item in response["Items"])


def where(ddb: Any, table: str, condition: str, *parameters: Any) -> list[str]:
    return names(run(ddb, f'SELECT * FROM "{table}" WHERE {condition}', *parameters))


def test_select_all_items(ddb: Any, people: str) -> None:
    assert names(run(ddb, f'SELECT * FROM "{people}"')) == ["ann", "bob", "carl", "dora", "eve"]


def test_select_one_item_by_full_key(ddb: Any, people: str) -> None:
    response = run(ddb, f"SELECT * FROM \"{people}\" WHERE pk = 'a' AND sk = 2")
    assert response["Items"] == [{"pk": S("a"), "sk": N(2), "name": S("bob"), "age": N(40),
                                  "nothing": {"NULL": True}}]


def test_select_partition_in_sort_key_order(ddb: Any, people: str) -> None:
    response = run(ddb, f"SELECT sk FROM \"{people}\" WHERE pk = 'a'")
    assert response["Items"] == [{"sk": N(1)}, {"sk": N(2)}, {"sk": N(3)}]


def test_select_missing_item_gives_no_items(ddb: Any, people: str) -> None:
    assert run(ddb, f"SELECT * FROM \"{people}\" WHERE pk = 'zz'")["Items"] == []


@pytest.mark.parametrize(("condition", "expected"), [
    ("age > 26", ["ann", "bob"]),
    ("age >= 30 AND age <= 30", ["ann"]),
    ("age < 30", ["dora"]),
    ("age <> 30", ["bob", "carl", "dora", "eve"]),
    ("age != 30", ["bob", "carl", "dora", "eve"]),
    ("age = 'old'", ["carl"]),
    ("age BETWEEN 26 AND 40", ["ann", "bob"]),
    ("name IN ['ann', 'eve', 'nobody']", ["ann", "eve"]),
    ("name IN ('bob')", ["bob"]),
    ("begins_with(name, 'ca')", ["carl"]),
    ("contains(tags, 'y')", ["ann", "dora"]),
    ("contains(name, 'o')", ["bob", "dora"]),
    ("attribute_type(age, 'S')", ["carl"]),
    ("size(name) = 3", ["ann", "bob", "eve"]),
    ("size(tags) > 1", ["ann"]),
    ("tags IS MISSING", ["bob", "carl", "eve"]),
    ("tags IS NOT MISSING", ["ann", "dora"]),
    ("nothing IS NULL", ["ann", "bob", "carl", "dora", "eve"]),
    ("name IS NOT NULL", ["ann", "bob", "carl", "dora", "eve"]),
    ("m.k[1] = 2", ["ann"]),
    ("m.z = 'deep'", ["ann"]),
    ("NOT age > 26", ["carl", "dora", "eve"]),
    ("age = 25 OR name = 'eve'", ["dora", "eve"]),
    ("(age = 25 OR name = 'eve') AND pk = 'c'", ["eve"]),
    ("pk = 'a' AND sk > 1", ["bob", "carl"]),
    ("pk = 'a' AND sk BETWEEN 2 AND 3 AND age = 40", ["bob"]),
    ("pk = 'a' AND 2 <= sk", ["bob", "carl"]),
    ("pk = 'a' AND sk < 3 AND sk >= 2", ["bob"]),
    ("pk = 'a' AND sk > 'text'", []),
    ("pk IN ['a', 'c']", ["ann", "bob", "carl", "eve"]),
    ("pk IN ['b', 1]", ["dora"]),
    ("pk IN [1]", []),
    ("pk IN ['a', 'b'] AND sk = 1", ["ann", "dora"]),
    ("sk > 2", ["carl", "eve"]),
])
def test_where_conditions(ddb: Any, people: str, condition: str, expected: list[str]) -> None:
    assert where(ddb, people, condition) == expected


def test_parameters(ddb: Any, people: str) -> None:
    assert where(ddb, people, "pk = ? AND age > ?", S("a"), N(35)) == ["bob"]
    assert where(ddb, people, "name IN [?, ?]", S("ann"), S("eve")) == ["ann", "eve"]


def test_projection_of_attributes_and_nested_paths(ddb: Any, people: str) -> None:
    response = run(ddb, f"SELECT name, m.k[1], m.z, absent FROM \"{people}\" "
                        "WHERE pk = 'a' AND sk = 1")
    assert response["Items"] == [{"name": S("ann"), "k[1]": N(2), "z": S("deep")}]


def test_projection_of_quoted_name(ddb: Any, sorted_table: str) -> None:
    ddb.put_item(TableName=sorted_table,
                 Item={"pk": S("q"), "sk": N(1), "a.b": S("dot"), "a": {"M": {"b": S("n")}}})
    response = run(ddb, f'SELECT "a.b", a.b FROM "{sorted_table}" WHERE pk = \'q\'')
    assert response["Items"] == [{"a.b": S("dot"), "b": S("n")}]


def test_item_lacking_every_projected_attribute_is_empty(ddb: Any, people: str) -> None:
    response = run(ddb, f"SELECT absent FROM \"{people}\" WHERE pk = 'c'")
    assert response["Items"] == [{}]


def test_duplicate_projection_names(ddb: Any, people: str) -> None:
    assert_error(lambda: run(ddb, f'SELECT m.z, z FROM "{people}"'), "ValidationException",
                 "Duplicate identifiers in select clause: z")


def test_limit_and_next_token_walk_every_item_once(ddb: Any, people: str) -> None:
    seen: list[str] = []
    kwargs: dict[str, Any] = {"Limit": 2}
    pages = 0
    while True:
        response = run(ddb, f'SELECT name FROM "{people}"', **kwargs)
        pages += 1
        assert len(response["Items"]) <= 2
        seen += [item["name"]["S"] for item in response["Items"]]
        if "NextToken" not in response:
            break
        kwargs["NextToken"] = response["NextToken"]
    assert sorted(seen) == ["ann", "bob", "carl", "dora", "eve"]
    assert pages == 3


def test_limit_counts_items_read_not_matched(ddb: Any, people: str) -> None:
    response = run(ddb, f"SELECT name FROM \"{people}\" WHERE name = 'eve'", Limit=2)
    assert response["Items"] == []
    assert "NextToken" in response
    rest = run(ddb, f"SELECT name FROM \"{people}\" WHERE name = 'eve'",
               NextToken=response["NextToken"])
    assert rest["Items"] == [{"name": S("eve")}]
    assert "NextToken" not in rest


def test_pagination_inside_one_partition(ddb: Any, people: str) -> None:
    first = run(ddb, f"SELECT sk FROM \"{people}\" WHERE pk = 'a'", Limit=2)
    assert first["Items"] == [{"sk": N(1)}, {"sk": N(2)}]
    second = run(ddb, f"SELECT sk FROM \"{people}\" WHERE pk = 'a'", Limit=2,
                 NextToken=first["NextToken"])
    assert second["Items"] == [{"sk": N(3)}]
    assert "NextToken" not in second


def test_next_token_of_another_statement(ddb: Any, people: str) -> None:
    token = run(ddb, f'SELECT * FROM "{people}"', Limit=1)["NextToken"]
    assert_error(lambda: run(ddb, f'SELECT name FROM "{people}"', NextToken=token),
                 "ValidationException", "The provided starting key is invalid")


def test_invalid_next_token(ddb: Any, people: str) -> None:
    assert_error(lambda: run(ddb, f'SELECT * FROM "{people}"', NextToken="garbage!"),
                 "ValidationException", "Invalid NextToken")


def test_consistent_read_and_consumed_capacity(ddb: Any, people: str) -> None:
    response = run(ddb, f"SELECT * FROM \"{people}\" WHERE pk = 'a' AND sk = 1",
                   ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == {"TableName": people, "CapacityUnits": 1.0}
    eventual = run(ddb, f"SELECT * FROM \"{people}\" WHERE pk = 'a' AND sk = 1",
                   ReturnConsumedCapacity="TOTAL")
    assert eventual["ConsumedCapacity"]["CapacityUnits"] == 0.5


def test_key_of_wrong_type(ddb: Any, people: str) -> None:
    assert_error(lambda: run(ddb, f'SELECT * FROM "{people}" WHERE pk = 1'),
                 "ValidationException",
                 "Key attribute's data type should match its data type in table's schema: Key pk")


def test_unknown_table(ddb: Any) -> None:
    assert_error(lambda: run(ddb, 'SELECT * FROM "no-such-table-xyz"'),
                 "ResourceNotFoundException", "Requested resource not found")


@pytest.mark.parametrize("statement", [
    "SELEC * FROM t", "SELECT * FROM", "SELECT * FROM t WHERE", "SELECT * FROM t WHERE a ~ 1",
    "SELECT * FROM t; SELECT * FROM t",
])
def test_syntax_errors(ddb: Any, statement: str) -> None:
    response = assert_error(lambda: run(ddb, statement), "ValidationException")
    assert response["Error"]["Message"].startswith(
        "Statement wasn't well formed, can't be processed: ")


def test_too_few_parameters(ddb: Any, people: str) -> None:
    assert_error(lambda: run(ddb, f'SELECT * FROM "{people}" WHERE pk = ? AND sk = ?', S("a")),
                 "ValidationException",
                 "Number of parameters in request and statement don't match.")


def test_invalid_parameter_value(ddb: Any, people: str) -> None:
    assert_error(lambda: run(ddb, f'SELECT * FROM "{people}" WHERE pk = ?', {"NULL": False}),
                 "ValidationException",
                 "One or more parameter values were invalid: "
                 "Null attribute value types must have the value of true")


def test_exists_outside_transaction(ddb: Any, people: str) -> None:
    assert_error(lambda: run(ddb, f"EXISTS(SELECT * FROM \"{people}\" WHERE pk = 'a' AND sk = 1)"),
                 "ValidationException",
                 "EXISTS can only be used in ExecuteTransaction write requests.")


def test_select_on_index(ddb: Any, unique: Callable[[str], str]) -> None:
    table = unique("idx")
    ddb.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "by_g",
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    try:
        ddb.put_item(TableName=table, Item={"pk": S("1"), "g": S("x"), "other": S("o")})
        ddb.put_item(TableName=table, Item={"pk": S("2"), "other": S("o")})
        response = run(ddb, f'SELECT * FROM "{table}"."by_g"')
        assert response["Items"] == [{"pk": S("1"), "g": S("x")}]
        assert_error(lambda: run(ddb, f'SELECT * FROM "{table}"."nope"'), "ValidationException",
                     "The table does not have the specified index: nope")
        assert_error(lambda: run(ddb, f'SELECT * FROM "{table}"."by_g"', ConsistentRead=True),
                     "ValidationException",
                     "Strongly consistent read is not supported on Global Secondary Indexes")
    finally:
        ddb.delete_table(TableName=table)


def test_select_on_index_reads_in_index_order_and_pages(ddb: Any,
                                                        unique: Callable[[str], str]) -> None:
    table = unique("idx")
    ddb.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"},
                              {"AttributeName": "n", "AttributeType": "N"}],
        GlobalSecondaryIndexes=[{"IndexName": "by_g",
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                               {"AttributeName": "n", "KeyType": "RANGE"}],
                                 "Projection": {"ProjectionType": "ALL"}}])
    try:
        for pk, n in (("a", 3), ("b", 1), ("c", 2), ("d", 2)):
            ddb.put_item(TableName=table, Item={"pk": S(pk), "g": S("x"), "n": N(n)})
        ddb.put_item(TableName=table, Item={"pk": S("e"), "g": S("y"), "n": N(0)})
        statement = f"SELECT pk FROM \"{table}\".\"by_g\" WHERE g = 'x'"
        seen, token = [], None
        while True:
            page = run(ddb, statement, Limit=3, **({"NextToken": token} if token else {}))
            seen.extend(item["pk"]["S"] for item in page["Items"])
            token = page.get("NextToken")
            if token is None:
                break
        assert seen == ["b", "c", "d", "a"]
    finally:
        ddb.delete_table(TableName=table)


def test_order_by_sort_key(ddb: Any, people: str) -> None:
    descending = run(ddb, f"SELECT sk FROM \"{people}\" WHERE pk = 'a' ORDER BY sk DESC")
    assert descending["Items"] == [{"sk": N(3)}, {"sk": N(2)}, {"sk": N(1)}]
    ascending = run(ddb, f"SELECT sk FROM \"{people}\" WHERE pk = 'a' ORDER BY pk, sk ASC")
    assert ascending["Items"] == [{"sk": N(1)}, {"sk": N(2)}, {"sk": N(3)}]


def test_order_by_descending_pages(ddb: Any, people: str) -> None:
    statement = f"SELECT sk FROM \"{people}\" WHERE pk = 'a' ORDER BY sk DESC"
    first = run(ddb, statement, Limit=2)
    assert first["Items"] == [{"sk": N(3)}, {"sk": N(2)}]
    second = run(ddb, statement, Limit=2, NextToken=first["NextToken"])
    assert second["Items"] == [{"sk": N(1)}]


@pytest.mark.parametrize(("statement", "message"), [
    ("SELECT * FROM \"{t}\" ORDER BY sk",
     "Must have WHERE clause in the statement when using ORDER BY clause."),
    ("SELECT * FROM \"{t}\" WHERE sk = 1 ORDER BY sk",
     "Must have at least one non-optional hash key condition in WHERE clause when using "
     "ORDER BY clause."),
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' ORDER BY name",
     "Variable reference name in ORDER BY clause must be part of the primary key"),
])
def test_order_by_errors(ddb: Any, people: str, statement: str, message: str) -> None:
    assert_error(lambda: run(ddb, statement.format(t=people)), "ValidationException", message)


def test_page_ends_after_one_megabyte_read(ddb: Any, table: str) -> None:
    filler = "x" * 4000
    for start in range(0, 300, 25):
        ddb.batch_write_item(RequestItems={table: [
            {"PutRequest": {"Item": {"pk": S(f"{i:04}"), "f": S(filler)}}}
            for i in range(start, start + 25)]})
    first = run(ddb, f'SELECT pk FROM "{table}"')
    assert 200 < len(first["Items"]) < 300
    second = run(ddb, f'SELECT pk FROM "{table}"', NextToken=first["NextToken"])
    assert "NextToken" not in second
    assert len(first["Items"]) + len(second["Items"]) == 300


def test_deeply_nested_statement(ddb: Any, people: str) -> None:
    condition = "NOT " * 300 + "pk = 'a'"
    response = assert_error(lambda: run(ddb, f'SELECT * FROM "{people}" WHERE {condition}'),
                            "ValidationException")
    assert response["Error"]["Message"].startswith("Statement wasn't well formed")
    condition = " AND ".join(["name <> 'zz'"] * 150)
    assert names(run(ddb, f'SELECT * FROM "{people}" WHERE {condition}')) == [
        "ann", "bob", "carl", "dora", "eve"]


def test_sort_key_prefix_and_partitions_in_pages(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(range_key="sk")
    for pk in ("p", "q"):
        for sk in ("a1", "b1", "b2", "b3", "c1"):
            ddb.put_item(TableName=table, Item={"pk": S(pk), "sk": S(sk)})
    statement = (f"SELECT pk, sk FROM \"{table}\" WHERE pk IN ['p', 'q'] "
                 "AND begins_with(sk, 'b')")
    seen: list[tuple[str, str]] = []
    kwargs: dict[str, Any] = {"Limit": 2}
    while True:
        response = run(ddb, statement, **kwargs)
        seen += [(i["pk"]["S"], i["sk"]["S"]) for i in response["Items"]]
        if "NextToken" not in response:
            break
        kwargs["NextToken"] = response["NextToken"]
    assert seen == [(pk, sk) for pk in ("p", "q") for sk in ("b1", "b2", "b3")]
    descending = run(ddb, f"SELECT sk FROM \"{table}\" WHERE pk = 'q' AND sk BETWEEN 'b' AND 'c' "
                          "ORDER BY sk DESC")
    assert descending["Items"] == [{"sk": S("b3")}, {"sk": S("b2")}, {"sk": S("b1")}]
