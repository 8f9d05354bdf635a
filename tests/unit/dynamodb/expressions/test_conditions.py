"""Condition and filter expressions: every operator and function, and AWS's messages."""

from __future__ import annotations

import base64

import pytest

from headwater.dynamodb.expressions import compile_condition
from headwater.wire.errors import ValidationException


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


ITEM = {
    "id": {"S": "a"},
    "n": {"N": "1.5"},
    "s": {"S": "hello"},
    "b": {"B": b64(b"\x01\x02\x03")},
    "m": {"M": {"x": {"L": [{"N": "1"}, {"S": "q"}]}, "y": {"S": "y"}}},
    "l": {"L": [{"S": "e"}, {"N": "2"}]},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2.0"]},
    "bs": {"BS": [b64(b"\x01")]},
    "t": {"BOOL": True},
    "z": {"NULL": True},
}
VALUES = {
    ":one": {"N": "1"},
    ":n": {"N": "1.50"},
    ":two": {"N": "2"},
    ":s": {"S": "hello"},
    ":he": {"S": "he"},
    ":a": {"S": "a"},
    ":q": {"S": "q"},
    ":e": {"S": "e"},
    ":b1": {"B": b64(b"\x01")},
    ":b": {"B": b64(b"\x01\x02\x03")},
    ":true": {"BOOL": True},
    ":five": {"N": "5"},
    ":typeS": {"S": "S"},
    ":typeSS": {"S": "SS"},
    ":typeM": {"S": "M"},
    ":ss": {"SS": ["b", "a"]},
    ":ns2": {"N": "2"},
    ":l": {"L": [{"S": "e"}, {"N": "2.0"}]},
}


def holds(expression: str, item: dict | None = ITEM, names: dict | None = None) -> bool:
    used = {k: v for k, v in VALUES.items() if k in expression}
    return compile_condition(expression, names, used).evaluate(item)


def error(expression: str, names=None, values=None, kind="ConditionExpression") -> str:
    with pytest.raises(ValidationException) as raised:
        compile_condition(expression, names, VALUES if values is None else values, kind)
    return raised.value.message


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("n = :n", True),
        ("n <> :n", False),
        ("n < :two", True),
        ("n <= :n", True),
        ("n > :one", True),
        ("n >= :two", False),
        ("s = :s", True),
        ("s > :he", True),
        ("b > :b1", True),
        ("b = :b", True),
        ("t = :true", True),
        ("ss = :ss", True),
        ("l = :l", True),
        ("m.x[1] = :q", True),
        ("m.x[5] = :q", False),
        ("#m.#x[0] = :one", True),
        ("n = :s", False),  # different types are never equal
        ("n <> :s", True),
        ("s < :five", False),  # nor ordered
        ("t < :five", False),  # a stored BOOL is never ordered
        ("absent = :one", False),
        ("absent <> :one", True),
        ("absent < :one", False),
        ("n BETWEEN :one AND :two", True),
        ("n between :two and :five", False),
        ("s BETWEEN :one AND :two", False),
        ("n IN (:one, :n)", True),
        ("n IN (:one, :two)", False),
        ("attribute_exists(m.y)", True),
        ("attribute_exists(m.nope)", False),
        ("attribute_not_exists(nope)", True),
        ("attribute_type(ss, :typeSS)", True),
        ("attribute_type(m, :typeM)", True),
        ("attribute_type(s, :typeSS)", False),
        ("begins_with(s, :he)", True),
        ("begins_with(b, :b1)", True),
        ("begins_with(n, :he)", False),
        ("contains(s, :he)", True),
        ("contains(ss, :a)", True),
        ("contains(ss, :q)", False),
        ("contains(ns, :ns2)", True),
        ("contains(bs, :b1)", True),
        ("contains(l, :e)", True),
        ("contains(n, :one)", False),
        ("size(s) = :five", True),
        ("size(b) > :two", True),
        ("size(ss) = :two", True),
        ("size(m) = :two", True),
        ("size(l) = :two", True),
        ("size(n) = :one", False),
        ("size(absent) = :one", False),
        ("NOT n = :n", False),
        ("NOT NOT n = :n", True),
        ("n = :one OR s = :s", True),
        ("n = :one AND s = :s", False),
        # precedence: NOT > AND > OR
        ("n = :n OR n = :one AND s = :a", True),
        ("(n = :n OR n = :one) AND s = :a", False),
        ("NOT n = :one AND s = :s", True),
        ("not (n = :n and s = :s)", False),
    ],
)
def test_operators_and_functions(expression: str, expected: bool) -> None:
    names = {"#m": "m", "#x": "x"} if "#" in expression else None
    assert holds(expression, names=names) is expected


def test_missing_item_only_satisfies_absence() -> None:
    assert holds("attribute_not_exists(id)", None) is True
    assert holds("attribute_exists(id)", None) is False
    assert holds("id <> :a", None) is True


def test_names_resolve_nested_and_literal_dots() -> None:
    item = {"a.b": {"S": "x"}, "a": {"M": {"b": {"S": "y"}}}}
    values = {":x": {"S": "x"}}
    assert compile_condition("#ab = :x", {"#ab": "a.b"}, values).evaluate(item)
    assert not compile_condition("a.b = :x", None, values).evaluate(item)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("", "The expression can not be empty;"),
        (
            "n = :missing",
            "An expression attribute value used in expression is not defined; "
            "attribute value: :missing",
        ),
        (
            "#nope = :one",
            "An expression attribute name used in the document path is not "
            "defined; attribute name: #nope",
        ),
        ("order = :one", "Attribute name is a reserved keyword; reserved keyword: order"),
        ("foo(n)", "Invalid function name; function: foo"),
        (
            "if_not_exists(n, :one) = :one",
            "The function is not allowed in a condition expression; function: if_not_exists",
        ),
        ("_n = :one", 'Syntax error; token: "_", near: "_n"'),
        (
            "attribute_exists(" + ".".join(["m"] * 33) + ")",
            "The document path has too many nesting levels; nesting levels: 33",
        ),
        ("l[2147483648] = :one", "List index is not within the allowable range; index: [2147483648]"),
        (
            "size(n)",
            "The function is not allowed to be used this way in an expression; function: size",
        ),
        (
            "attribute_exists(n) = :one",
            "The function is not allowed to be used this way in an "
            "expression; function: attribute_exists",
        ),
        ("((n = :one))", "The expression has redundant parentheses;"),
        ("and = :one", 'Syntax error; token: "and", near: "and ="'),
        ("n = :one OR in = :one", 'Syntax error; token: "in", near: "OR in ="'),
        ("set = :one", "Attribute name is a reserved keyword; reserved keyword: set"),
        ("n = ((:one))", "The expression has redundant parentheses;"),
        ("((size(s))) = :five", "The expression has redundant parentheses;"),
        ("((attribute_exists(n)))", "The expression has redundant parentheses;"),
        ("(size(s))", "The function is not allowed to be used this way in an expression; "
         "function: size"),
        (
            "begins_with(s)",
            "Incorrect number of operands for operator or function; operator or "
            "function: begins_with, number of operands: 1",
        ),
        (
            "attribute_exists(:one)",
            "Operator or function requires a document path; operator or function: attribute_exists",
        ),
        (
            "begins_with(s, :one)",
            "Incorrect operand type for operator or function; operator or "
            "function: begins_with, operand type: N",
        ),
        (
            "size(:one) = :one",
            "Incorrect operand type for operator or function; operator or "
            "function: size, operand type: N",
        ),
        (
            "attribute_type(s, :one)",
            "Incorrect operand type for operator or function; operator "
            "or function: attribute_type, operand type: N",
        ),
        (
            "attribute_type(s, :s)",
            "Invalid attribute type name found; type: hello, valid types: "
            "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
        ),
        (
            "n = n",
            "The first operand must be distinct from the remaining operands for this "
            "operator or function; operator: =, first operand: [n]",
        ),
        (
            "n BETWEEN :two AND :one",
            "The BETWEEN operator requires upper bound to be greater "
            "than or equal to lower bound; lower bound operand: AttributeValue: {N:2}, upper bound "
            "operand: AttributeValue: {N:1}",
        ),
        (
            "n BETWEEN :s AND :one",
            "The BETWEEN operator requires same data type for lower and "
            "upper bounds; lower bound operand: AttributeValue: {S:hello}, upper bound operand: "
            "AttributeValue: {N:1}",
        ),
        ("n = ", 'Syntax error; token: "<EOF>", near: "= "'),
        ("n = :one AND", 'Syntax error; token: "<EOF>", near: "AND"'),
        ("n $ :one", 'Syntax error; token: "$", near: "n $ :one"'),
        ("n = :one :two", 'Syntax error; token: ":two", near: ":one :two"'),
    ],
)
def test_errors(expression: str, message: str) -> None:
    assert error(expression) == f"Invalid ConditionExpression: {message}"


def test_kind_prefixes_messages() -> None:
    assert error("n =", kind="FilterExpression").startswith("Invalid FilterExpression: Syntax")


def test_in_accepts_100_operands_only() -> None:
    values = {f":v{i}": {"N": str(i)} for i in range(101)}
    options = ", ".join(f":v{i}" for i in range(100))
    assert compile_condition(f"n IN ({options})", None, values).evaluate({"n": {"N": "99"}})
    assert "too many operands" in error(f"n IN ({options}, :v100)", values=values)


def test_keywords_are_case_insensitive_and_not_prefixes() -> None:
    assert holds("n = :n aNd NoT s = :a")
    item = {"android": {"S": "a"}}
    assert compile_condition("android = :a", None, {":a": {"S": "a"}}).evaluate(item)


def test_same_text_is_parsed_once() -> None:
    from headwater.dynamodb.expressions.parser import parse

    first = parse("ConditionExpression", "n = :n AND s = :s")
    assert parse("ConditionExpression", "n = :n AND s = :s") is first


@pytest.mark.parametrize(
    ("expression", "operator", "kind"),
    [
        ("n <= :true", "<=", "BOOL"),
        (":true > n", ">", "BOOL"),
        ("n < :ss", "<", "SS"),
        ("n >= :l", ">=", "L"),
        ("n BETWEEN :true AND :true", "BETWEEN", "BOOL"),
        ("n BETWEEN :one AND :ss", "BETWEEN", "SS"),
    ],
)
def test_ordering_needs_orderable_operands(expression: str, operator: str, kind: str) -> None:
    assert error(expression) == (
        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        f"operator or function: {operator}, operand type: {kind}"
    )


def test_equality_accepts_any_operand_type() -> None:
    assert holds("t = :true") and holds("ss <> :l") and holds("size(ss) < :five")


def test_operands_may_be_parenthesised_once() -> None:
    assert holds("(n) = (:n)")
    assert holds("(size(s)) = :five AND (attribute_exists(n))")
    assert holds("n BETWEEN (:one) AND (:two) AND (s) IN ((:s), :a)")


def test_trees_built_outside_the_parser_get_aws_errors_not_crashes() -> None:
    from headwater.dynamodb.expressions import ast
    from headwater.dynamodb.expressions.conditions import check, evaluate

    path = ast.Path(("n",))
    cases = [
        (ast.FunctionCondition(ast.Call("foo", (path,))), "Invalid function name; function: foo"),
        (
            ast.FunctionCondition(ast.Call("size", (path,))),
            "The function is not allowed to be used this way in an expression; function: size",
        ),
        (
            ast.FunctionCondition(ast.Call("contains", (path,))),
            "Incorrect number of operands for operator or function; operator or function: "
            "contains, number of operands: 1",
        ),
    ]
    for node, message in cases:
        with pytest.raises(ValidationException) as raised:
            check(node, "FilterExpression")
        assert raised.value.message == f"Invalid FilterExpression: {message}"
        with pytest.raises(ValidationException) as raised:
            evaluate(node, ITEM)
        assert raised.value.message == message
