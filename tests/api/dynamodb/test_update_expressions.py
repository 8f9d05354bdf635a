"""UpdateExpression: SET (+, -, if_not_exists, list_append), REMOVE (incl. list indexes), ADD,
DELETE, nested paths, and the static and runtime errors AWS reports (wording from dynalite's
test/updateItem.js, recorded against AWS)."""

from __future__ import annotations

from typing import Any

import pytest

KEY = {"pk": {"S": "k"}}
START = {
    "pk": {"S": "k"},
    "n": {"N": "10"},
    "s": {"S": "text"},
    "l": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}]},
    "m": {"M": {"x": {"N": "1"}, "deep": {"M": {"y": {"S": "z"}}}}},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2"]},
    "bs": {"BS": [b"\x01"]},
}
INVALID = "Invalid UpdateExpression: "


@pytest.fixture
def stored(ddb: Any, table: str) -> str:
    ddb.put_item(TableName=table, Item=START)
    return table


def update(ddb: Any, table: str, expression: str, values: dict[str, Any] | None = None,
           names: dict[str, str] | None = None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if values:
        kwargs["ExpressionAttributeValues"] = values
    if names:
        kwargs["ExpressionAttributeNames"] = names
    ddb.update_item(TableName=table, Key=KEY, UpdateExpression=expression, **kwargs)
    return ddb.get_item(TableName=table, Key=KEY)["Item"]


N = lambda v: {"N": v}  # noqa: E731
S = lambda v: {"S": v}  # noqa: E731


@pytest.mark.parametrize(("expression", "values", "attribute", "expected"), [
    ("SET v = :v", {":v": S("x")}, "v", S("x")),
    ("SET n = :v", {":v": {"BOOL": False}}, "n", {"BOOL": False}),
    ("SET v = s", None, "v", S("text")),
    ("SET n = n + :v", {":v": N("2.5")}, "n", N("12.5")),
    ("SET n = n - :v", {":v": N("11")}, "n", N("-1")),
    ("SET v = :a + :b", {":a": N("1"), ":b": N("2")}, "v", N("3")),
    ("SET v = m.x + n", None, "v", N("11")),
    ("SET v = if_not_exists(v, :v)", {":v": N("0")}, "v", N("0")),
    ("SET n = if_not_exists(n, :v)", {":v": N("0")}, "n", N("10")),
    ("SET n = if_not_exists(n, :v) + :one", {":v": N("0"), ":one": N("1")}, "n", N("11")),
    ("SET l = list_append(l, :v)", {":v": {"L": [S("e")]}}, "l",
     {"L": [S("a"), S("b"), S("c"), S("d"), S("e")]}),
    ("SET l = list_append(:v, l)", {":v": {"L": [S("0")]}}, "l",
     {"L": [S("0"), S("a"), S("b"), S("c"), S("d")]}),
    ("SET v = list_append(if_not_exists(v, :e), :v)", {":e": {"L": []}, ":v": {"L": [N("1")]}},
     "v", {"L": [N("1")]}),
    ("SET m.x = :v", {":v": N("2")}, "m", {"M": {"x": N("2"), "deep": {"M": {"y": S("z")}}}}),
    ("SET m.deep.w = :v", {":v": N("2")}, "m",
     {"M": {"x": N("1"), "deep": {"M": {"y": S("z"), "w": N("2")}}}}),
    ("SET l[1] = :v", {":v": S("B")}, "l", {"L": [S("a"), S("B"), S("c"), S("d")]}),
    ("SET l[10] = :v", {":v": S("e")}, "l", {"L": [S("a"), S("b"), S("c"), S("d"), S("e")]}),
    ("SET m.x = m.deep.y", None, "m", {"M": {"x": S("z"), "deep": {"M": {"y": S("z")}}}}),
    ("REMOVE l[0]", None, "l", {"L": [S("b"), S("c"), S("d")]}),
    ("REMOVE l[1], l[3]", None, "l", {"L": [S("a"), S("c")]}),
    ("REMOVE l[9]", None, "l", START["l"]),
    ("REMOVE m.deep.y", None, "m", {"M": {"x": N("1"), "deep": {"M": {}}}}),
    ("ADD n :v", {":v": N("-10")}, "n", N("0")),
    ("ADD v :v", {":v": N("7")}, "v", N("7")),
    ("ADD ss :v", {":v": {"SS": ["b", "c"]}}, "ss", {"SS": ["a", "b", "c"]}),
    ("ADD ns :v", {":v": {"NS": ["3", "1.0"]}}, "ns", {"NS": ["1", "2", "3"]}),
    ("ADD bs :v", {":v": {"BS": [b"\x02"]}}, "bs", {"BS": [b"\x01", b"\x02"]}),
    ("ADD v :v", {":v": {"SS": ["new"]}}, "v", {"SS": ["new"]}),
    ("ADD m.x :v", {":v": N("1")}, "m", {"M": {"x": N("2"), "deep": {"M": {"y": S("z")}}}}),
    ("DELETE ss :v", {":v": {"SS": ["a", "c"]}}, "ss", {"SS": ["b"]}),
    ("DELETE ns :v", {":v": {"NS": ["2.0"]}}, "ns", {"NS": ["1"]}),
    ("DELETE bs :v", {":v": {"BS": [b"\x09"]}}, "bs", {"BS": [b"\x01"]}),
])
def test_actions(ddb: Any, stored: str, expression: str, values: dict[str, Any] | None,
                 attribute: str, expected: dict[str, Any]) -> None:
    item = update(ddb, stored, expression, values)
    value = item[attribute]
    for tag in ("SS", "NS", "BS"):
        if tag in value:
            value = {tag: sorted(value[tag])}
            expected = {tag: sorted(expected[tag])}
    assert value == expected


@pytest.mark.parametrize(("expression", "values", "gone"), [
    ("REMOVE s", None, "s"),
    ("REMOVE s, n, nothere", None, "n"),
    ("DELETE ss :v", {":v": {"SS": ["a", "b"]}}, "ss"),
])
def test_removals(ddb: Any, stored: str, expression: str, values: dict[str, Any] | None,
                  gone: str) -> None:
    assert gone not in update(ddb, stored, expression, values)


def test_delete_from_missing_attribute_is_a_no_op(ddb: Any, stored: str) -> None:
    assert update(ddb, stored, "DELETE nothere :v", {":v": {"SS": ["a"]}}) == START


def test_all_four_clauses_together(ddb: Any, stored: str) -> None:
    item = update(ddb, stored, "SET v = :v REMOVE s ADD n :one DELETE ss :a",
                  {":v": S("x"), ":one": N("1"), ":a": {"SS": ["a"]}})
    assert (item["v"], item["n"], item["ss"]) == (S("x"), N("11"), {"SS": ["b"]})
    assert "s" not in item


def test_clauses_in_any_order_and_case(ddb: Any, stored: str) -> None:
    item = update(ddb, stored, "add n :one remove s set v = :v",
                  {":v": S("x"), ":one": N("1")})
    assert (item["v"], item["n"]) == (S("x"), N("11"))


def test_names_with_placeholders(ddb: Any, stored: str) -> None:
    item = update(ddb, stored, "SET #m.#x = :v, #dotted = :v", {":v": N("5")},
                  {"#m": "m", "#x": "x", "#dotted": "a.b"})
    assert item["m"]["M"]["x"] == N("5")
    assert item["a.b"] == N("5")


def test_set_on_new_item_creates_it(ddb: Any, table: str) -> None:
    item = update(ddb, table, "SET a = :v ADD c :one", {":v": S("x"), ":one": N("1")})
    assert item == {**KEY, "a": S("x"), "c": N("1")}


@pytest.mark.parametrize("expression", [
    "whatever",
    "set a",
    "add a",
    "set a=set",
    "remove a = b",
    "delete a b",
    "set :a = b",
    "set a = b * c",
    "set a = b + c + d",
    "set (a = (b + c))",
    "delete a",
    "add a = b",
    "delete a if_not_exist(b)",
    "add a if_not_exist(b)",
    "remove a b",
    "set a b",
    "add :a b",
    "remove :a",
    "set a = b / c",
    'set a[1] = "eight"',
    "set a[1] = 1",
    "SET if_not_exist(a, b) = a",
    "set a = (b.c).d + e",
    "set a = (b.c)[0] + e",
])
def test_syntax_errors(ddb: Any, stored: str, expect_error: Any, expression: str) -> None:
    response = expect_error(ddb.update_item, "ValidationException", None, TableName=stored,
                            Key=KEY, UpdateExpression=expression)
    assert response["Error"]["Message"].startswith(INVALID + "Syntax error; token: ")


def test_syntax_error_names_token(ddb: Any, stored: str, invalid: Any) -> None:
    invalid(ddb.update_item, INVALID + 'Syntax error; token: "<EOF>", near: "= "',
            TableName=stored, Key=KEY, UpdateExpression="SET a = ")


def test_empty_update_expression(ddb: Any, stored: str, invalid: Any) -> None:
    invalid(ddb.update_item, INVALID + "The expression can not be empty;", TableName=stored,
            Key=KEY, UpdateExpression="")


@pytest.mark.parametrize(("expression", "section"), [
    ("set a = :v set c = :v", "SET"),
    ("remove b set a = :v remove e", "REMOVE"),
    ("add b :v set a = :v add e :v", "ADD"),
    ("delete b :s set a = :v delete e :s", "DELETE"),
])
def test_section_used_twice(ddb: Any, stored: str, invalid: Any, expression: str,
                            section: str) -> None:
    invalid(ddb.update_item, INVALID + f'The "{section}" section can only be used once in an '
            "update expression;", TableName=stored, Key=KEY, UpdateExpression=expression,
            ExpressionAttributeValues={":v": N("1"), ":s": {"NS": ["1"]}})


@pytest.mark.parametrize(("expression", "message"), [
    ("SET size = :v", "Attribute name is a reserved keyword; reserved keyword: size"),
    ("REMOVE Absolute", "Attribute name is a reserved keyword; reserved keyword: Absolute"),
    ("SET a = foo(b)", "Invalid function name; function: foo"),
    ("SET a = size(b)", "The function is not allowed in an update expression; function: size"),
    ("SET #q = :v", "An expression attribute name used in the document path is not defined; "
     "attribute name: #q"),
    ("SET a = :q", "An expression attribute value used in expression is not defined; attribute "
     "value: :q"),
    ("SET a = if_not_exists(:v, c)", "Operator or function requires a document path; operator "
     "or function: if_not_exists"),
    ("SET a = if_not_exists(c)", "Incorrect number of operands for operator or function; "
     "operator or function: if_not_exists, number of operands: 1"),
    ("SET a = list_append(c)", "Incorrect number of operands for operator or function; "
     "operator or function: list_append, number of operands: 1"),
    # Where a function may stand (DynamoDB's texts; the nested list_append recorded against
    # AWS by the Alternator suite, test_update_expression.py).
    ("SET a = attribute_exists(b)", "The function is not allowed in an update expression; "
     "function: attribute_exists"),
    ("SET a = if_not_exists(a, contains(b, :v))", "The function is not allowed in an update "
     "expression; function: contains"),
    ("SET a = list_append(list_append(l, :v), :v)", "The function is not allowed to be used this "
     "way in an expression; function: list_append"),
    ("SET a = list_append(if_not_exists(a, :v), list_append(l, :v))", "The function is not "
     "allowed to be used this way in an expression; function: list_append"),
    # Names start with a letter: "_" is a token of its own, and a syntax error.
    ("SET _123 = :v", 'Syntax error; token: "_", near: "SET _123"'),
    ("SET a = _f(b)", 'Syntax error; token: "_", near: "= _f"'),
    ("REMOVE a._b", 'Syntax error; token: "_", near: "._b"'),
])
def test_static_errors(ddb: Any, stored: str, invalid: Any, expression: str,
                       message: str) -> None:
    values = {":v": N("1")} if ":v" in expression else None
    kwargs: dict[str, Any] = {"ExpressionAttributeValues": values} if values else {}
    invalid(ddb.update_item, INVALID + message, TableName=stored, Key=KEY,
            UpdateExpression=expression, **kwargs)


@pytest.mark.parametrize(("expression", "one", "two"), [
    ("SET a = :v, a = :v", "[a]", "[a]"),
    ("SET m = :v, m.x = :v", "[m]", "[m, x]"),
    ("SET a = :v REMOVE a", "[a]", "[a]"),
    ("REMOVE c, c.a", "[c]", "[c, a]"),
    ("SET c.b.c = :v, c = :v", "[c, b, c]", "[c]"),
    ("SET #c[3].#d = :v, #c[3] = :v", "[c, [3], [3]]", "[c, [3]]"),
])
def test_overlapping_paths(ddb: Any, stored: str, invalid: Any, expression: str, one: str,
                           two: str) -> None:
    names = {k: v for k, v in {"#c": "c", "#d": "[3]"}.items() if k in expression}
    kwargs: dict[str, Any] = {"ExpressionAttributeNames": names} if names else {}
    if ":v" in expression:
        kwargs["ExpressionAttributeValues"] = {":v": N("1")}
    invalid(ddb.update_item, INVALID + "Two document paths overlap with each other; must remove "
            f"or rewrite one of these paths; path one: {one}, path two: {two}",
            TableName=stored, Key=KEY, UpdateExpression=expression, **kwargs)


@pytest.mark.parametrize(("expression", "one", "two"), [
    ("SET #c[3].#d = :v, #c.#d[3] = :v", "[c, [3], [3]]", "[c, [3], [3]]"),
    ("REMOVE a.#c SET a[1] = :v", "[a, c]", "[a, [1]]"),
])
def test_conflicting_paths(ddb: Any, stored: str, invalid: Any, expression: str, one: str,
                           two: str) -> None:
    names = {k: v for k, v in {"#c": "c", "#d": "[3]"}.items() if k in expression}
    invalid(ddb.update_item, INVALID + "Two document paths conflict with each other; must "
            f"remove or rewrite one of these paths; path one: {one}, path two: {two}",
            TableName=stored, Key=KEY, UpdateExpression=expression,
            ExpressionAttributeNames=names, ExpressionAttributeValues={":v": N("1")})


@pytest.mark.parametrize(("action", "value", "type_name"), [
    ("ADD", S("a"), "STRING"),
    ("DELETE", S("a"), "STRING"),
    ("ADD", {"NULL": True}, "NULL"),
    ("ADD", {"BOOL": False}, "BOOLEAN"),
    ("DELETE", {"BOOL": False}, "BOOLEAN"),
    ("ADD", {"B": b"a"}, "BINARY"),
    ("ADD", {"M": {}}, "MAP"),
    ("DELETE", {"L": [N("1")]}, "LIST"),
    ("ADD", {"L": [N("1")]}, "LIST"),
    ("DELETE", N("1"), "NUMBER"),
])
def test_add_and_delete_operand_types(ddb: Any, stored: str, invalid: Any, action: str,
                                      value: dict[str, Any], type_name: str) -> None:
    invalid(ddb.update_item, INVALID + "Incorrect operand type for operator or function; "
            f"operator: {action}, operand type: {type_name}", TableName=stored, Key=KEY,
            UpdateExpression=f"{action} a.b :a", ExpressionAttributeValues={":a": value})


@pytest.mark.parametrize(("expression", "function", "type_name"), [
    ("SET a = list_append(:s, a)", "list_append", "S"),
    ("SET a = list_append(a, :n)", "list_append", "N"),
    ("SET a = list_append(:m, a)", "list_append", "M"),
    ("SET a = a + :s", "+", "S"),
    ("SET a = :s + :n", "+", "S"),
    ("SET a = a + :l", "+", "L"),
    ("SET a = a - :ss", "-", "SS"),
    ("SET a = :m - a", "-", "M"),
])
def test_function_operand_types(ddb: Any, stored: str, invalid: Any, expression: str,
                                function: str, type_name: str) -> None:
    values = {":s": S("a"), ":n": N("1"), ":m": {"M": {}}, ":l": {"L": []},
              ":ss": {"SS": ["a"]}}
    used = {k: v for k, v in values.items() if f"{k} " in expression + " " or
            f"{k})" in expression or f"{k}," in expression}
    invalid(ddb.update_item, INVALID + "Incorrect operand type for operator or function; "
            f"operator or function: {function}, operand type: {type_name}", TableName=stored,
            Key=KEY, UpdateExpression=expression, ExpressionAttributeValues=used)


@pytest.mark.parametrize(("expression", "values"), [
    ("ADD s :v", {":v": N("1")}),
    ("ADD ss :v", {":v": {"NS": ["1"]}}),
    ("ADD ns :v", {":v": N("1")}),
    ("DELETE ns :v", {":v": {"SS": ["1"]}}),
    ("DELETE n :v", {":v": {"NS": ["1"]}}),
    ("SET v = s + :v", {":v": N("1")}),
    ("SET v = m - :v", {":v": N("1")}),
    ("SET v = list_append(ss, :v)", {":v": {"L": []}}),
])
def test_runtime_type_errors(ddb: Any, stored: str, invalid: Any, expression: str,
                             values: dict[str, Any]) -> None:
    invalid(ddb.update_item, "An operand in the update expression has an incorrect data type",
            TableName=stored, Key=KEY, UpdateExpression=expression,
            ExpressionAttributeValues=values)


@pytest.mark.parametrize("expression", ["SET c = nothere", "SET e = list_append(nothere, l)",
                                        "SET e = nothere + n"])
def test_reference_to_missing_attribute(ddb: Any, stored: str, invalid: Any,
                                        expression: str) -> None:
    invalid(ddb.update_item, "The provided expression refers to an attribute that does not exist "
            "in the item", TableName=stored, Key=KEY, UpdateExpression=expression)


@pytest.mark.parametrize("expression", [
    "SET nothere.a = :v",
    "SET nothere[1] = :v",
    "SET s.a = :v",
    "SET m[1] = :v",
    "SET l.a = :v",
    "REMOVE s.a",
    "ADD m.nothere.x :v",
])
def test_invalid_document_paths(ddb: Any, stored: str, invalid: Any, expression: str) -> None:
    kwargs: dict[str, Any] = {"ExpressionAttributeValues": {":v": N("1")}} if ":v" in \
        expression else {}
    invalid(ddb.update_item, "The document path provided in the update expression is invalid "
            "for update", TableName=stored, Key=KEY, UpdateExpression=expression, **kwargs)


def test_nested_path_on_new_item_is_invalid(ddb: Any, table: str, invalid: Any) -> None:
    invalid(ddb.update_item, "The document path provided in the update expression is invalid "
            "for update", TableName=table, Key=KEY, UpdateExpression="SET b.a = :v",
            ExpressionAttributeValues={":v": N("1")})


@pytest.mark.parametrize(("expression", "message"), [
    ("set d[1] = a, d.b = a, c[1].a = a, #c = if_not_exists(a)", "overlap with each other; "
     "must remove or rewrite one of these paths; path one: [c, [1], a], path two: [c]"),
    ("set c.b.#c = a, c = a, #d = a", "overlap with each other; must remove or rewrite one of "
     "these paths; path one: [c, b, c], path two: [c]"),
    ("set a = b remove a, #c, #d", "overlap with each other; must remove or rewrite one of these "
     "paths; path one: [a], path two: [a]"),
    ("remove a, #c, a, #d", "overlap with each other; must remove or rewrite one of these paths; "
     "path one: [a], path two: [a]"),
    ("remove c, #c.a, #d", "overlap with each other; must remove or rewrite one of these paths; "
     "path one: [c], path two: [c, a]"),
])
def test_path_clash_reporting_order(ddb: Any, stored: str, invalid: Any, expression: str,
                                    message: str) -> None:
    invalid(ddb.update_item, INVALID + "Two document paths " + message, TableName=stored,
            Key=KEY, UpdateExpression=expression,
            ExpressionAttributeNames={"#c": "c", "#d": "[3]"})


@pytest.mark.parametrize(("expression", "word"), [(" set #a = :a set abOrt = :a ", "abOrt"),
                                                  (" remove Absolute ", "Absolute")])
def test_reserved_word_keeps_its_spelling(ddb: Any, stored: str, invalid: Any, expression: str,
                                          word: str) -> None:
    kwargs: dict[str, Any] = {"ExpressionAttributeNames": {"#a": "a"},
                              "ExpressionAttributeValues": {":a": N("1")}} if "#a" in \
        expression else {}
    invalid(ddb.update_item, INVALID + f"Attribute name is a reserved keyword; reserved keyword: "
            f"{word}", TableName=stored, Key=KEY, UpdateExpression=expression, **kwargs)


MIXED = ("set b.c=c[1]+b.a, b.a = pk, c[1] = pk, c[4] = b.a - b.b, c[2] = b.c "
         "add c[8] :b, c[6] :a")
MIXED_VALUES = {":a": N("2"), ":b": {"SS": ["a"]}}


@pytest.fixture
def nested(ddb: Any, table: str) -> str:
    ddb.put_item(TableName=table, Item={**KEY, "b": {"M": {"a": N("1"), "b": N("2"), "c": N("3")}},
                                        "c": {"L": [N("1"), N("3")]}})
    return table


def test_mixed_nested_update_returns_touched_fragments(ddb: Any, nested: str) -> None:
    # dynalite test/updateItem.js "should update nested attributes", recorded against AWS
    response = ddb.update_item(TableName=nested, Key=KEY, UpdateExpression=MIXED,
                               ExpressionAttributeValues=MIXED_VALUES, ReturnValues="UPDATED_NEW")
    assert response["Attributes"] == {"b": {"M": {"a": KEY["pk"], "c": N("4")}},
                                      "c": {"L": [KEY["pk"], N("3"), N("2")]}}


def test_list_index_actions_apply_in_index_order(ddb: Any, nested: str) -> None:
    item = update(ddb, nested, MIXED, MIXED_VALUES)
    assert item["c"] == {"L": [N("1"), KEY["pk"], N("3"), N("-1"), N("2"), {"SS": ["a"]}]}
    assert item["b"] == {"M": {"a": KEY["pk"], "b": N("2"), "c": N("4")}}


def test_parenthesised_arithmetic_operands(ddb: Any, nested: str) -> None:
    item = update(ddb, nested, "set b.c = ((c[1]) + (b.a))")
    assert item["b"]["M"]["c"] == N("4")


def test_if_not_exists_copies_another_attribute(ddb: Any, table: str) -> None:
    response = ddb.update_item(TableName=table, Key=KEY, ReturnValues="UPDATED_NEW",
                               UpdateExpression="set b = if_not_exists(b, pk)")
    assert response["Attributes"] == {"b": KEY["pk"]}


def test_list_append_around_if_not_exists_is_allowed(ddb: Any, stored: str) -> None:
    # The common idiom: only list_append directly inside list_append is refused.
    item = update(ddb, stored, "SET fresh = list_append(if_not_exists(fresh, :empty), :v)",
                  {":empty": {"L": []}, ":v": {"L": [N("1")]}})
    assert item["fresh"] == {"L": [N("1")]}


@pytest.mark.parametrize(("expression", "values"), [
    ("ADD pk :n", {":n": N("1")}),  # the operand type is wrong too: the key error wins
    ("DELETE pk :s", {":s": {"SS": ["k"]}}),
    ("SET pk = :s", {":s": {"S": "other"}}),
    ("REMOVE pk", None),
    ("SET pk.x = :s", {":s": {"S": "other"}}),
])
def test_key_attribute_error_comes_first(ddb: Any, stored: str, invalid: Any, expression: str,
                                         values: dict[str, Any] | None) -> None:
    kwargs: dict[str, Any] = {"ExpressionAttributeValues": values} if values else {}
    invalid(ddb.update_item, "One or more parameter values were invalid: Cannot update attribute "
            "pk. This attribute is part of the key", TableName=stored, Key=KEY,
            UpdateExpression=expression, **kwargs)
    assert ddb.get_item(TableName=stored, Key=KEY)["Item"] == START


def test_key_attribute_error_on_a_missing_item_writes_nothing(ddb: Any, stored: str,
                                                              invalid: Any) -> None:
    missing = {"pk": {"S": "missing"}}
    invalid(ddb.update_item, "One or more parameter values were invalid: Cannot update attribute "
            "pk. This attribute is part of the key", TableName=stored, Key=missing,
            UpdateExpression="ADD pk :n", ExpressionAttributeValues={":n": N("1")})
    assert "Item" not in ddb.get_item(TableName=stored, Key=missing)
