"""ExecuteStatement INSERT, UPDATE and DELETE: effects, conditions, RETURNING and errors."""

from __future__ import annotations

from typing import Any

import pytest
from partiql_support import N, S, assert_error, run

INCOMPLETE = "Where clause does not contain a mandatory equality on all key attributes"


def get(ddb: Any, table: str, **key: Any) -> dict[str, Any] | None:
    item: dict[str, Any] | None = ddb.get_item(TableName=table, Key=key).get("Item")
    return item


# ---- INSERT


def test_insert_every_literal_type(ddb: Any, table: str) -> None:
    response = run(ddb, f"INSERT INTO \"{table}\" VALUE {{'pk': 'a', 's': 'it''s', 'n': 1.50, "
                        "'t': true, 'f': false, 'z': null, 'ss': <<'x', 'y'>>, 'ns': <<1, 2>>, "
                        "'l': [1, 'two', [3]], 'm': {'k': {'n': -1}}}")
    assert response["Items"] == []
    assert get(ddb, table, pk=S("a")) == {
        "pk": S("a"), "s": S("it's"), "n": N("1.5"), "t": {"BOOL": True},
        "f": {"BOOL": False}, "z": {"NULL": True}, "ss": {"SS": ["x", "y"]},
        "ns": {"NS": ["1", "2"]}, "l": {"L": [N(1), S("two"), {"L": [N(3)]}]},
        "m": {"M": {"k": {"M": {"n": N(-1)}}}},
    }


def test_insert_with_parameters(ddb: Any, table: str) -> None:
    run(ddb, f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'b': ?, 'l': [?]}}",
        S("p"), {"B": b"\x00\x01"}, {"SS": ["q"]})
    assert get(ddb, table, pk=S("p")) == {
        "pk": S("p"), "b": {"B": b"\x00\x01"}, "l": {"L": [{"SS": ["q"]}]}}


def test_insert_duplicate_key(ddb: Any, table: str) -> None:
    run(ddb, f"INSERT INTO \"{table}\" VALUE {{'pk': 'a', 'v': 1}}")
    assert_error(lambda: run(ddb, f"INSERT INTO \"{table}\" VALUE {{'pk': 'a', 'v': 2}}"),
                 "DuplicateItemException", "Duplicate primary key exists in table")
    assert get(ddb, table, pk=S("a")) == {"pk": S("a"), "v": N(1)}


def test_insert_without_key(ddb: Any, table: str) -> None:
    assert_error(lambda: run(ddb, f"INSERT INTO \"{table}\" VALUE {{'v': 1}}"),
                 "ValidationException", "Key attribute should be present in the item: Key pk")


def test_insert_key_of_wrong_type(ddb: Any, table: str) -> None:
    assert_error(lambda: run(ddb, f"INSERT INTO \"{table}\" VALUE {{'pk': 1}}"),
                 "ValidationException",
                 "Key attribute's data type should match its data type in table's schema: Key pk")


def test_insert_into_unknown_table(ddb: Any) -> None:
    assert_error(lambda: run(ddb, "INSERT INTO \"missing-table-q\" VALUE {'pk': 'a'}"),
                 "ResourceNotFoundException", "Requested resource not found")


def test_insert_of_a_list(ddb: Any, table: str) -> None:
    assert_error(lambda: run(ddb, f"INSERT INTO \"{table}\" VALUE [1]"), "ValidationException",
                 "Unsupported format in item expression. Please use struct format {...} to "
                 "express item values for insert statement.")


# ---- UPDATE


@pytest.fixture
def item(ddb: Any, table: str) -> str:
    ddb.put_item(TableName=table, Item={
        "pk": S("k"), "n": N(5), "s": S("x"), "l": {"L": [N(1)]}, "ss": {"SS": ["a"]},
        "m": {"M": {"in": N(1)}}})
    return table


def test_update_set_and_remove(ddb: Any, item: str) -> None:
    response = run(ddb, f"UPDATE \"{item}\" SET n = n + 1 SET s = 'y', m.in = 2 REMOVE l "
                        "WHERE pk = 'k'")
    assert response["Items"] == []
    assert get(ddb, item, pk=S("k")) == {
        "pk": S("k"), "n": N(6), "s": S("y"), "ss": {"SS": ["a"]}, "m": {"M": {"in": N(2)}}}


def test_update_functions(ddb: Any, item: str) -> None:
    run(ddb, f"UPDATE \"{item}\" SET l = list_append(l, [2, 3]) SET ss = set_add(ss, <<'b'>>) "
             "SET n = n - 10 SET fresh = if_not_exists(fresh, 'new') WHERE pk = 'k'")
    updated = get(ddb, item, pk=S("k"))
    assert updated is not None
    assert updated["l"] == {"L": [N(1), N(2), N(3)]}
    assert sorted(updated["ss"]["SS"]) == ["a", "b"]
    assert updated["n"] == N(-5)
    assert updated["fresh"] == S("new")
    run(ddb, f"UPDATE \"{item}\" SET ss = set_delete(ss, <<'a'>>) WHERE pk = 'k'")
    assert get(ddb, item, pk=S("k"))["ss"] == {"SS": ["b"]}  # type: ignore[index]


def test_update_with_parameters(ddb: Any, item: str) -> None:
    run(ddb, f'UPDATE "{item}" SET s = ? WHERE pk = ?', S("param"), S("k"))
    assert get(ddb, item, pk=S("k"))["s"] == S("param")  # type: ignore[index]


@pytest.mark.parametrize(("returning", "expected"), [
    ("ALL OLD", {"pk": S("k"), "n": N(5), "s": S("x"), "l": {"L": [N(1)]}, "ss": {"SS": ["a"]},
                 "m": {"M": {"in": N(1)}}}),
    ("ALL NEW", {"pk": S("k"), "n": N(6), "s": S("x"), "l": {"L": [N(1)]}, "ss": {"SS": ["a"]},
                 "m": {"M": {"in": N(1)}}}),
    ("MODIFIED OLD", {"n": N(5)}),
    ("MODIFIED NEW", {"n": N(6)}),
])
def test_update_returning(ddb: Any, item: str, returning: str,
                          expected: dict[str, Any]) -> None:
    response = run(ddb, f"UPDATE \"{item}\" SET n = n + 1 WHERE pk = 'k' RETURNING {returning} *")
    assert response["Items"] == [expected]


def test_update_condition_on_other_attributes(ddb: Any, item: str) -> None:
    run(ddb, f"UPDATE \"{item}\" SET s = 'ok' WHERE pk = 'k' AND n = 5 AND attribute_exists(l)")
    assert get(ddb, item, pk=S("k"))["s"] == S("ok")  # type: ignore[index]
    assert_error(lambda: run(ddb, f"UPDATE \"{item}\" SET s = 'no' WHERE pk = 'k' AND n > 5"),
                 "ConditionalCheckFailedException", "The conditional request failed")
    assert get(ddb, item, pk=S("k"))["s"] == S("ok")  # type: ignore[index]


def test_update_condition_failure_returns_old_item(ddb: Any, item: str) -> None:
    response = assert_error(
        lambda: run(ddb, f"UPDATE \"{item}\" SET s = 'no' WHERE pk = 'k' AND n = 0",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD"),
        "ConditionalCheckFailedException", "The conditional request failed")
    assert response["Item"]["n"] == N(5)


def test_update_missing_item_fails_condition(ddb: Any, table: str) -> None:
    assert_error(lambda: run(ddb, f"UPDATE \"{table}\" SET s = 'x' WHERE pk = 'nobody'"),
                 "ConditionalCheckFailedException", "The conditional request failed")
    assert get(ddb, table, pk=S("nobody")) is None


@pytest.mark.parametrize("where", ["", "WHERE s = 'x'", "WHERE pk = 'k' OR s = 'x'",
                                   "WHERE pk > 'k'"])
def test_update_without_full_key(ddb: Any, item: str, where: str) -> None:
    assert_error(lambda: run(ddb, f"UPDATE \"{item}\" SET s = 'z' {where}"),
                 "ValidationException", INCOMPLETE)


def test_update_of_key_attribute(ddb: Any, item: str) -> None:
    assert_error(lambda: run(ddb, f"UPDATE \"{item}\" SET pk = 'other' WHERE pk = 'k'"),
                 "ValidationException",
                 "One or more parameter values were invalid: Cannot update attribute pk. "
                 "This attribute is part of the key")


def test_update_composite_key(ddb: Any, sorted_table: str) -> None:
    ddb.put_item(TableName=sorted_table, Item={"pk": S("a"), "sk": N(1)})
    assert_error(lambda: run(ddb, f"UPDATE \"{sorted_table}\" SET v = 1 WHERE pk = 'a'"),
                 "ValidationException", INCOMPLETE)
    run(ddb, f"UPDATE \"{sorted_table}\" SET v = 1 WHERE sk = 1 AND pk = 'a'")
    assert get(ddb, sorted_table, pk=S("a"), sk=N(1)) == {"pk": S("a"), "sk": N(1), "v": N(1)}


# ---- DELETE


def test_delete(ddb: Any, item: str) -> None:
    assert run(ddb, f"DELETE FROM \"{item}\" WHERE pk = 'k'")["Items"] == []
    assert get(ddb, item, pk=S("k")) is None


def test_delete_returning_old(ddb: Any, item: str) -> None:
    response = run(ddb, f"DELETE FROM \"{item}\" WHERE pk = ? RETURNING ALL OLD *", S("k"))
    assert response["Items"][0]["n"] == N(5)


def test_delete_missing_item_succeeds(ddb: Any, table: str) -> None:
    assert run(ddb, f"DELETE FROM \"{table}\" WHERE pk = 'ghost' AND v = 1")["Items"] == []


def test_delete_with_failed_condition(ddb: Any, item: str) -> None:
    assert_error(lambda: run(ddb, f"DELETE FROM \"{item}\" WHERE pk = 'k' AND s = 'other'"),
                 "ConditionalCheckFailedException", "The conditional request failed")
    assert get(ddb, item, pk=S("k")) is not None


def test_delete_without_key(ddb: Any, item: str) -> None:
    assert_error(lambda: run(ddb, f"DELETE FROM \"{item}\" WHERE s = 'x'"),
                 "ValidationException", INCOMPLETE)


def test_write_consumed_capacity(ddb: Any, table: str) -> None:
    response = run(ddb, f"INSERT INTO \"{table}\" VALUE {{'pk': 'cap'}}",
                   ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 1.0}


def test_set_add_needs_a_set(ddb: Any, item: str) -> None:
    assert_error(lambda: run(ddb, f"UPDATE \"{item}\" SET ss = set_add(ss, 'b') WHERE pk = 'k'"),
                 "ValidationException",
                 "The second argument to SET_ADD must be a value with type SET")
    assert_error(lambda: run(ddb, f"UPDATE \"{item}\" SET ss = set_delete(ss, l) WHERE pk = 'k'"),
                 "ValidationException",
                 "The second argument to SET_DELETE must be a value with type SET")


def test_update_of_missing_attribute_in_arithmetic(ddb: Any, item: str) -> None:
    assert_error(lambda: run(ddb, f"UPDATE \"{item}\" SET n = nope + 1 WHERE pk = 'k'"),
                 "ValidationException",
                 "The provided expression refers to an attribute that does not exist in the item")
