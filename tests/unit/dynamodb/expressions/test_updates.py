"""Update expressions: SET, REMOVE, ADD, DELETE, functions, and AWS's messages."""

from __future__ import annotations

import pytest

from headwater.dynamodb.expressions import compile_update
from headwater.wire.errors import ValidationException

ITEM = {
    "id": {"S": "k"},
    "n": {"N": "5"},
    "s": {"S": "hello"},
    "m": {"M": {"x": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}, {"N": "3"}]}}},
    "l": {"L": [{"S": "a"}]},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2"]},
}
VALUES = {
    ":one": {"N": "1"},
    ":big": {"N": "9E+125"},
    ":s": {"S": "x"},
    ":l": {"L": [{"S": "z"}]},
    ":ss": {"SS": ["b", "c"]},
    ":ab": {"SS": ["a", "b"]},
    ":ns": {"NS": ["2", "3"]},
    ":m": {"M": {}},
}


def run(expression: str, item: dict = ITEM, names: dict | None = None) -> tuple[dict, set]:
    used = {k: v for k, v in VALUES.items() if k in expression}
    return compile_update(expression, names, used).apply(item)


def error(expression: str, names=None, item=None) -> str:
    with pytest.raises(ValidationException) as raised:
        used = {k: v for k, v in VALUES.items() if k in expression} or None
        update = compile_update(expression, names, used)
        update.apply(item if item is not None else ITEM)
    return raised.value.message


def test_set_values_arithmetic_and_functions() -> None:
    new, touched = run(
        "SET n = n + :one, s = :s, a = if_not_exists(a, :one), l = list_append(l, :l)"
    )
    assert new["n"] == {"N": "6"}
    assert new["s"] == {"S": "x"}
    assert new["a"] == {"N": "1"}
    assert new["l"] == {"L": [{"S": "a"}, {"S": "z"}]}
    assert touched == {"n", "s", "a", "l"}
    assert ITEM["n"] == {"N": "5"}  # the input is not modified


def test_parenthesised_operands_and_arithmetic() -> None:
    item, _ = run("SET a = ((n) + (:one)), b = (s), c = ((n - :one)), d = (if_not_exists(e, :s))")
    assert (item["a"], item["b"], item["c"], item["d"]) == (
        {"N": "6"}, {"S": "hello"}, {"N": "4"}, {"S": "x"}
    )


def test_writes_to_one_list_apply_in_index_order() -> None:
    new, _ = run("SET l[9] = :s, l[4] = n, m.x[1] = :s, l[0] = :one ADD l[6] :one")
    assert new["l"] == {"L": [{"N": "1"}, {"N": "5"}, {"N": "1"}, {"S": "x"}]}
    assert new["m"]["M"]["x"]["L"][1] == {"S": "x"}


def test_right_hand_sides_read_the_item_before_the_update() -> None:
    new, _ = run("SET n = :one, s2 = n")
    assert new["s2"] == {"N": "5"}


def test_subtract_and_if_not_exists_keeps_existing() -> None:
    new, _ = run("SET n = n - :one, s = if_not_exists(s, :s)")
    assert new["n"] == {"N": "4"} and new["s"] == {"S": "hello"}


def test_set_nested_and_list_index_past_end_appends() -> None:
    new, touched = run("SET m.x[10] = :s, m.y = :one, l[0] = :one")
    assert new["m"]["M"]["x"]["L"][-1] == {"S": "x"}
    assert new["m"]["M"]["y"] == {"N": "1"}
    assert new["l"] == {"L": [{"N": "1"}]}
    assert touched == {"m", "l"}


def test_remove_several_list_indexes_uses_original_positions() -> None:
    new, _ = run("REMOVE m.x[1], m.x[3], s, absent")
    assert new["m"]["M"]["x"]["L"] == [{"N": "0"}, {"N": "2"}]
    assert "s" not in new


def test_add_numbers_sets_and_missing_attributes() -> None:
    new, touched = run("ADD n :one, ss :ss, ns :ns, fresh :ab, tally :one")
    assert new["n"] == {"N": "6"}
    assert new["ss"] == {"SS": ["a", "b", "c"]}
    assert new["ns"] == {"NS": ["1", "2", "3"]}
    assert new["fresh"] == {"SS": ["a", "b"]}
    assert new["tally"] == {"N": "1"}
    assert touched == {"n", "ss", "ns", "fresh", "tally"}


def test_delete_elements_and_emptied_set_is_removed() -> None:
    new, _ = run("DELETE ss :ss, ns :ns, absent :ab")
    assert new["ss"] == {"SS": ["a"]}
    assert new["ns"] == {"NS": ["1"]}
    new, _ = run("DELETE ss :ab")
    assert "ss" not in new


def test_clauses_combine_in_any_order_and_case() -> None:
    new, touched = run("remove s add n :one set a = :s delete ss :ab")
    assert "s" not in new and new["n"] == {"N": "6"} and new["a"] == {"S": "x"}
    assert "ss" not in new
    assert touched == {"s", "n", "a", "ss"}


def test_names_in_update_paths() -> None:
    new, _ = run("SET #a.#b = :one", names={"#a": "m", "#b": "new"})
    assert new["m"]["M"]["new"] == {"N": "1"}


def test_number_range_errors_come_from_the_numbers_module() -> None:
    with pytest.raises(ValidationException) as raised:
        run("SET n = :big + :big")
    assert "Number overflow" in raised.value.message


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "SET n = :one SET s = :s",
            'The "SET" section can only be used once in an update expression;',
        ),
        (
            "REMOVE n REMOVE s",
            'The "REMOVE" section can only be used once in an update expression;',
        ),
        (
            "SET m = :one, m.x = :one",
            "Two document paths overlap with each other; must remove "
            "or rewrite one of these paths; path one: [m], path two: [m, x]",
        ),
        (
            "SET m.x[1] = :one, m.x.y = :one REMOVE n, m.x.y.z",
            "Two document paths overlap with each other; must remove "
            "or rewrite one of these paths; path one: [m, x, y], path two: [m, x, y, z]",
        ),
        (
            "SET m.x[1] = :one REMOVE m.x.y",
            "Two document paths conflict with each other; must "
            "remove or rewrite one of these paths; path one: [m, x, [1]], path two: [m, x, y]",
        ),
        (
            "SET n = n + :s",
            "Incorrect operand type for operator or function; operator or "
            "function: +, operand type: S",
        ),
        (
            "SET l = list_append(l, :one)",
            "Incorrect operand type for operator or function; "
            "operator or function: list_append, operand type: N",
        ),
        (
            "SET n = if_not_exists(:one, n)",
            "Operator or function requires a document path; operator or function: if_not_exists",
        ),
        (
            "SET n = list_append(n)",
            "Incorrect number of operands for operator or function; "
            "operator or function: list_append, number of operands: 1",
        ),
        ("SET n = size(n)", "The function is not allowed in an update expression; function: size"),
        (
            "SET n = list_append(list_append(n, n), n)",
            "The function is not allowed to be used this way in an expression; function: list_append",
        ),
        ("SET _n = :one", 'Syntax error; token: "_", near: "SET _n"'),
        (
            "ADD n :s",
            "Incorrect operand type for operator or function; operator: ADD, operand type: STRING",
        ),
        (
            "ADD n :l",
            "Incorrect operand type for operator or function; operator: ADD, operand type: LIST",
        ),
        (
            "DELETE n :one",
            "Incorrect operand type for operator or function; operator: DELETE, "
            "operand type: NUMBER",
        ),
        (
            "SET #x = :one",
            "An expression attribute name used in the document path is not "
            "defined; attribute name: #x",
        ),
        (
            "SET n = :nope",
            "An expression attribute value used in expression is not defined; "
            "attribute value: :nope",
        ),
        ("SET size = :one", "Attribute name is a reserved keyword; reserved keyword: size"),
        ("SET n = ", 'Syntax error; token: "<EOF>", near: "= "'),
        ("set a=set", 'Syntax error; token: "set", near: "=set"'),
        ("SET a.remove = :one", 'Syntax error; token: "remove", near: ".remove ="'),
        ("SET a = add(n)", 'Syntax error; token: "add", near: "= add("'),
        ("SET and = :one", "Attribute name is a reserved keyword; reserved keyword: and"),
        ("", "The expression can not be empty;"),
    ],
)
def test_parse_errors(expression: str, message: str) -> None:
    assert error(expression) == f"Invalid UpdateExpression: {message}"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "SET a = absent",
            "The provided expression refers to an attribute that does not exist in the item",
        ),
        (
            "SET a = absent + :one",
            "The provided expression refers to an attribute that does not exist in the item",
        ),
        ("SET s = s + :one", "An operand in the update expression has an incorrect data type"),
        (
            "SET s = list_append(s, :l)",
            "An operand in the update expression has an incorrect data type",
        ),
        ("ADD s :one", "An operand in the update expression has an incorrect data type"),
        ("ADD ss :ns", "An operand in the update expression has an incorrect data type"),
        ("DELETE ss :ns", "An operand in the update expression has an incorrect data type"),
        (
            "SET absent.x = :one",
            "The document path provided in the update expression is invalid for update",
        ),
        (
            "SET s[0] = :one",
            "The document path provided in the update expression is invalid for update",
        ),
        (
            "SET l.x = :one",
            "The document path provided in the update expression is invalid for update",
        ),
    ],
)
def test_apply_errors(expression: str, message: str) -> None:
    assert error(expression) == message


def test_trees_built_outside_the_parser_get_aws_errors_not_crashes() -> None:
    from headwater.dynamodb.expressions import ast
    from headwater.dynamodb.expressions.updates import apply, check

    path, other = ast.Path(("a",)), ast.Path(("b", 1))
    add_path = ast.UpdateNode((ast.AddAction(path, other),), ("ADD",))
    with pytest.raises(ValidationException) as raised:
        check(add_path)
    assert raised.value.message == (
        'Invalid UpdateExpression: Syntax error; token: "b[1]", near: "a b[1]"'
    )
    unknown = ast.UpdateNode((ast.SetAction(path, ast.Call("foo", (other,))),), ("SET",))
    with pytest.raises(ValidationException) as raised:
        check(unknown)
    assert raised.value.message == "Invalid UpdateExpression: Invalid function name; function: foo"
    with pytest.raises(ValidationException) as raised:
        apply(unknown, ITEM)
    assert raised.value.message == "Invalid UpdateExpression: Invalid function name; function: foo"
