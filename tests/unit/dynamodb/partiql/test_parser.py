"""The PartiQL parser: statement forms, literals, parameters and its ValidationExceptions."""

from __future__ import annotations

import pytest

from headwater.dynamodb.expressions import ast
from headwater.dynamodb.partiql import statements as st
from headwater.dynamodb.partiql.binding import bind
from headwater.dynamodb.partiql.parser import MALFORMED, parse
from headwater.wire.errors import ValidationException


def statement(text: str) -> st.Statement:
    return parse(text).statement


def error(text: str) -> str:
    with pytest.raises(ValidationException) as caught:
        parse(text)
    return caught.value.message


def test_select_star_and_quoted_table() -> None:
    parsed = statement('SELECT * FROM "my-table"')
    assert parsed == st.Select("my-table", None, None, None)


def test_select_from_index() -> None:
    parsed = statement('select a FROM "t"."by_x"')
    assert isinstance(parsed, st.Select) and parsed.index == "by_x"


def test_projection_of_nested_paths() -> None:
    parsed = statement('SELECT a, m.k[1], "odd name" FROM t')
    assert isinstance(parsed, st.Select)
    assert parsed.paths == (ast.Path(("a",)), ast.Path(("m", "k", 1)), ast.Path(("odd name",)))


def test_keywords_are_case_insensitive_and_comments_ignored() -> None:
    parsed = statement("select * from t where pk = 'a' -- trailing\n /* block */ ;")
    assert isinstance(parsed, st.Select)
    assert parsed.where == ast.Compare("=", ast.Path(("pk",)), ast.Literal({"S": "a"}))


def test_precedence_not_and_or() -> None:
    parsed = statement("SELECT * FROM t WHERE a = 1 OR NOT b = 2 AND c = 3")
    assert isinstance(parsed, st.Select) and isinstance(parsed.where, ast.Or)
    assert isinstance(parsed.where.right, ast.And)
    assert isinstance(parsed.where.right.left, ast.Not)


@pytest.mark.parametrize(("text", "value"), [
    ("'it''s'", {"S": "it's"}),
    ("1.50", {"N": "1.5"}),
    ("-7", {"N": "-7"}),
    ("15E-1", {"N": "1.5"}),
    ("true", {"BOOL": True}),
    ("FALSE", {"BOOL": False}),
    ("null", {"NULL": True}),
    ("<<'a', 'b'>>", {"SS": ["a", "b"]}),
    ("<<1, 2>>", {"NS": ["1", "2"]}),
    ("[1, 'x', [true]]", {"L": [{"N": "1"}, {"S": "x"}, {"L": [{"BOOL": True}]}]}),
    ("{'k': {'n': null}}", {"M": {"k": {"M": {"n": {"NULL": True}}}}}),
])
def test_literals(text: str, value: dict[str, object]) -> None:
    parsed = statement(f"INSERT INTO t VALUE {{'pk': {text}}}")
    assert isinstance(parsed, st.Insert)
    assert parsed.item == ast.Literal({"M": {"pk": value}})


def test_parameters_are_counted_and_bound_in_order() -> None:
    parsed = parse("INSERT INTO t VALUE {'pk': ?, 'l': [?, {'x': ?}]}")
    assert parsed.parameters == 3
    bound = bind(parsed, [{"S": "a"}, {"N": "1"}, {"BOOL": True}])
    assert isinstance(bound, st.Insert)
    assert bound.item == ast.Literal({"M": {
        "pk": {"S": "a"}, "l": {"L": [{"N": "1"}, {"M": {"x": {"BOOL": True}}}]}}})


def test_too_few_parameters() -> None:
    with pytest.raises(ValidationException) as caught:
        bind(parse("SELECT * FROM t WHERE a = ? AND b = ?"), [{"S": "x"}])
    assert caught.value.message == "Number of parameters in request and statement don't match."


def test_extra_parameters_are_ignored() -> None:
    bound = bind(parse("SELECT * FROM t WHERE a = ?"), [{"S": "x"}, {"S": "y"}])
    assert isinstance(bound, st.Select)
    assert bound.where == ast.Compare("=", ast.Path(("a",)), ast.Literal({"S": "x"}))


def test_operators_compile_to_expression_ast() -> None:
    parsed = statement(
        "SELECT * FROM t WHERE a BETWEEN 1 AND 5 AND b IN [1, 2] AND c IN ('x') "
        "AND d IS MISSING AND e IS NOT MISSING AND begins_with(f, 'p') AND size(g) > 1 "
        "AND attribute_type(h, 'S') AND contains(i, 'z') AND j != 3")
    assert isinstance(parsed, st.Select)
    found = []
    node = parsed.where
    while isinstance(node, ast.And):
        found.append(node.right)
        node = node.left
    found.append(node)
    kinds = [type(n).__name__ for n in reversed(found)]
    assert kinds == ["Between", "In", "In", "FunctionCondition", "FunctionCondition",
                     "FunctionCondition", "Compare", "FunctionCondition", "FunctionCondition",
                     "Compare"]
    assert found[0] == ast.Compare("<>", ast.Path(("j",)), ast.Literal({"N": "3"}))


def test_update_forms() -> None:
    parsed = statement(
        "UPDATE t SET a = a + 1, b = 'x' SET c = list_append(c, [1]) "
        "SET s = set_add(s, <<'q'>>) REMOVE d, e[0] WHERE pk = 'k' RETURNING MODIFIED NEW *")
    assert isinstance(parsed, st.Update)
    assert [type(a).__name__ for a in parsed.actions] == [
        "SetAction", "SetAction", "SetAction", "AddAction", "RemoveAction", "RemoveAction"]
    assert parsed.returning == st.Returning("MODIFIED NEW")


def test_delete_and_exists() -> None:
    assert isinstance(statement("DELETE FROM t WHERE pk = 'a'"), st.Delete)
    parsed = statement("EXISTS(SELECT * FROM t WHERE pk = 'a' AND x = 1)")
    assert isinstance(parsed, st.Exists) and parsed.table == "t"


def test_parse_is_cached() -> None:
    assert parse("SELECT * FROM cached") is parse("SELECT * FROM cached")


@pytest.mark.parametrize(("text", "message"), [
    ("SELEC * FROM t", MALFORMED + "Expected data manipulation"),
    ("SELECT * FROM", MALFORMED + "Unexpected end of statement"),
    ("   ", MALFORMED + "Empty statement"),
    ("SELECT a, a FROM t", "Duplicate identifiers in select clause: a"),
    ("SELECT a.z, b.z FROM t", "Duplicate identifiers in select clause: z"),
    ("INSERT INTO t VALUE [1]",
     "Unsupported format in item expression. Please use struct format {...} to express item "
     "values for insert statement."),
    ("INSERT INTO t VALUE {'a': <<>>}", "Empty bags are not supported"),
    ("INSERT INTO t VALUE {'a': <<1, 'x'>>}",
     "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"),
    ("INSERT INTO t VALUE {'a': <<1, 1>>}", "Input collection contains duplicates"),
    ("INSERT INTO t VALUE {1: 'a'}", "Tuple keys must be of type String. Actual type: N"),
    ("INSERT INTO t VALUE {'a': 1, 'a': 2}", "Duplicate keys in tuple. Key: a"),
    ("SELECT * FROM t WHERE a = MISSING", "MISSING must be compared using IS operator"),
    ("SELECT * FROM t WHERE nope(a)", "Unrecognized function: nope"),
    ("UPDATE t SET a = set_add(b, <<1>>) WHERE pk = 'a'",
     "The first argument to SET_ADD must equal the assignment value"),
    ("DELETE FROM t WHERE pk = 'a' RETURNING ALL NEW *",
     "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in "
     "DELETE statements."),
    ("INSERT INTO t VALUE {'pk': 'a'} RETURNING ALL OLD *", "RETURNING is not supported in INSERT"),
])
def test_errors(text: str, message: str) -> None:
    assert error(text) == message


@pytest.mark.parametrize("text", [
    "SELECT * FROM t; SELECT * FROM t",
    "SELECT * FROM t WHERE a ~ 1",
    "DELETE t WHERE a = 1",
    "INSERT INTO t VALUE {'a': 1",
])
def test_syntax_errors(text: str) -> None:
    assert error(text).startswith(MALFORMED)
