"""ConditionExpression: every comparator, BETWEEN, IN, AND/OR/NOT, parentheses and every
function, evaluated against a stored item; and the static errors AWS reports."""

from __future__ import annotations

from typing import Any

import pytest

ITEM = {
    "pk": {"S": "k"},
    "n": {"N": "5"},
    "s": {"S": "hello"},
    "b": {"B": b"\x01\x02\x03"},
    "t": {"BOOL": True},
    "z": {"NULL": True},
    "l": {"L": [{"N": "1"}, {"S": "two"}]},
    "m": {"M": {"x": {"S": "y"}, "deep": {"M": {"n": {"N": "7"}}}}},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2", "3"]},
    "bs": {"BS": [b"\x01"]},
}
INVALID = "Invalid ConditionExpression: "


@pytest.fixture(scope="module")
def stored(ddb: Any, endpoint: str) -> Any:
    import uuid
    name = f"cond-{uuid.uuid4().hex[:12]}"
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    ddb.put_item(TableName=name, Item=ITEM)
    yield name
    ddb.delete_table(TableName=name)


def holds(ddb: Any, table: str, expression: str, values: dict[str, Any] | None = None,
          names: dict[str, str] | None = None) -> bool:
    kwargs: dict[str, Any] = {}
    if values:
        kwargs["ExpressionAttributeValues"] = values
    if names:
        kwargs["ExpressionAttributeNames"] = names
    try:
        ddb.put_item(TableName=table, Item=ITEM, ConditionExpression=expression, **kwargs)
    except ddb.exceptions.ConditionalCheckFailedException:
        return False
    return True


N = lambda v: {"N": v}  # noqa: E731
S = lambda v: {"S": v}  # noqa: E731


@pytest.mark.parametrize(("expression", "values", "expected"), [
    ("n = :v", {":v": N("5.0")}, True),
    ("n = :v", {":v": S("5")}, False),
    ("n <> :v", {":v": N("5")}, False),
    ("n <> :v", {":v": S("5")}, True),
    ("n < :v", {":v": N("6")}, True),
    ("n < :v", {":v": N("5")}, False),
    ("n <= :v", {":v": N("5")}, True),
    ("n > :v", {":v": N("-1e10")}, True),
    ("n >= :v", {":v": N("5.0000001")}, False),
    ("s < :v", {":v": S("help")}, True),
    ("b > :v", {":v": {"B": b"\x01\x02"}}, True),
    ("n < :v", {":v": S("9")}, False),
    ("nothere < :v", {":v": N("1")}, False),
    ("nothere <> :v", {":v": N("1")}, True),
    ("t = :v", {":v": {"BOOL": True}}, True),
    ("z = :v", {":v": {"NULL": True}}, True),
    ("m = :v", {":v": {"M": {"x": S("y"), "deep": {"M": {"n": N("7")}}}}}, True),
    ("l = :v", {":v": {"L": [N("1"), S("two")]}}, True),
    ("ss = :v", {":v": {"SS": ["b", "a"]}}, True),
    ("ns = :v", {":v": {"NS": ["3.0", "1", "2"]}}, True),
    ("n BETWEEN :lo AND :hi", {":lo": N("1"), ":hi": N("5")}, True),
    ("n BETWEEN :lo AND :hi", {":lo": N("6"), ":hi": N("9")}, False),
    ("s BETWEEN :lo AND :hi", {":lo": S("a"), ":hi": S("i")}, True),
    ("n BETWEEN :lo AND :hi", {":lo": S("a"), ":hi": S("z")}, False),
    ("n IN (:a, :b)", {":a": N("1"), ":b": N("5")}, True),
    ("n IN (:a)", {":a": N("1")}, False),
    ("s IN (:a, :b, :c)", {":a": N("1"), ":b": S("x"), ":c": S("hello")}, True),
    ("m.deep.n = :v", {":v": N("7")}, True),
    ("l[1] = :v", {":v": S("two")}, True),
    ("l[5] = :v", {":v": S("two")}, False),
    ("size(s) = :v", {":v": N("5")}, True),
    ("size(b) = :v", {":v": N("3")}, True),
    ("size(l) = :v", {":v": N("2")}, True),
    ("size(m) = :v", {":v": N("2")}, True),
    ("size(ss) = :v", {":v": N("2")}, True),
    ("size(ns) > :v", {":v": N("2")}, True),
    ("size(nothere) = :v", {":v": N("0")}, False),
    ("size(n) = :v", {":v": N("1")}, False),
    ("begins_with(s, :v)", {":v": S("he")}, True),
    ("begins_with(s, :v)", {":v": S("lo")}, False),
    ("begins_with(b, :v)", {":v": {"B": b"\x01"}}, True),
    ("begins_with(nothere, :v)", {":v": S("x")}, False),
    ("contains(s, :v)", {":v": S("ell")}, True),
    ("contains(ss, :v)", {":v": S("a")}, True),
    ("contains(ss, :v)", {":v": S("c")}, False),
    ("contains(ns, :v)", {":v": N("2.0")}, True),
    ("contains(bs, :v)", {":v": {"B": b"\x01"}}, True),
    ("contains(l, :v)", {":v": S("two")}, True),
    ("contains(l, :v)", {":v": N("2")}, False),
    ("contains(b, :v)", {":v": {"B": b"\x02\x03"}}, True),
    ("attribute_type(s, :v)", {":v": S("S")}, True),
    ("attribute_type(n, :v)", {":v": S("S")}, False),
    ("attribute_type(z, :v)", {":v": S("NULL")}, True),
    ("attribute_type(m.deep, :v)", {":v": S("M")}, True),
    ("attribute_type(bs, :v)", {":v": S("BS")}, True),
    ("attribute_type(nothere, :v)", {":v": S("S")}, False),
])
def test_operators_and_functions(ddb: Any, stored: str, expression: str,
                                 values: dict[str, Any], expected: bool) -> None:
    assert holds(ddb, stored, expression, values) is expected


@pytest.mark.parametrize(("expression", "expected"), [
    ("attribute_exists(n)", True),
    ("attribute_exists(nothere)", False),
    ("attribute_exists(m.deep.n)", True),
    ("attribute_exists(m.deep.q)", False),
    ("attribute_exists(l[1])", True),
    ("attribute_exists(l[2])", False),
    ("attribute_not_exists(nothere)", True),
    ("attribute_not_exists(pk)", False),
    ("attribute_exists(n) AND attribute_exists(s)", True),
    ("attribute_exists(n) AND attribute_exists(nothere)", False),
    ("attribute_exists(nothere) OR attribute_exists(s)", True),
    ("NOT attribute_exists(nothere)", True),
    ("NOT NOT attribute_exists(n)", True),
    # AND binds tighter than OR: true OR (false AND false)
    ("attribute_exists(n) OR attribute_exists(x1) AND attribute_exists(x2)", True),
    ("(attribute_exists(n) OR attribute_exists(x1)) AND attribute_exists(x2)", False),
    ("NOT (attribute_exists(n) AND attribute_exists(nothere))", True),
    # NOT binds tighter than AND
    ("NOT attribute_exists(nothere) AND attribute_exists(nothere)", False),
])
def test_logic_and_existence(ddb: Any, stored: str, expression: str, expected: bool) -> None:
    assert holds(ddb, stored, expression) is expected


def test_condition_on_nothere_item(ddb: Any, table: str) -> None:
    assert holds(ddb, table, "attribute_not_exists(pk)")
    ddb.delete_item(TableName=table, Key={"pk": {"S": "k"}})
    assert not holds(ddb, table, "attribute_exists(pk)")


def test_reserved_words_need_names(ddb: Any, stored: str) -> None:
    assert holds(ddb, stored, "#s = :v", {":v": S("hello")}, {"#s": "s"})
    assert holds(ddb, stored, "#a.#b = :v", {":v": S("y")}, {"#a": "m", "#b": "x"})


def test_dotted_name_through_placeholder_is_one_attribute(ddb: Any, stored: str) -> None:
    assert not holds(ddb, stored, "attribute_exists(#mx)", names={"#mx": "m.x"})


@pytest.mark.parametrize(("expression", "values", "message"), [
    ("n BETWEEN :hi AND :lo", {":lo": N("1"), ":hi": N("9")},
     "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
     "lower bound operand: AttributeValue: {N:9}, upper bound operand: AttributeValue: {N:1}"),
    ("n BETWEEN :lo AND :hi", {":lo": S("9"), ":hi": N("1")},
     "The BETWEEN operator requires same data type for lower and upper bounds; lower bound "
     "operand: AttributeValue: {S:9}, upper bound operand: AttributeValue: {N:1}"),
    ("n = n", None, "The first operand must be distinct from the remaining operands for this "
     "operator or function; operator: =, first operand: [n]"),
    ("contains(s, s)", None, "The first operand must be distinct from the remaining operands for "
     "this operator or function; operator: contains, first operand: [s]"),
    ("attribute_exists(:v)", {":v": N("1")}, "Operator or function requires a document path; "
     "operator or function: attribute_exists"),
    ("size(s)", None, "The function is not allowed to be used this way in an expression; "
     "function: size"),
    ("begins_with(s, :v) = :v", {":v": S("abc")}, "The function is not allowed to be used this "
     "way in an expression; function: begins_with"),
    ("foo(n)", None, "Invalid function name; function: foo"),
    ("attribute_type(s, :v)", {":v": S("X")}, "Invalid attribute type name found; type: X, valid "
     "types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"),
    ("attribute_type(s, :v)", {":v": N("1")}, "Incorrect operand type for operator or function; "
     "operator or function: attribute_type, operand type: N"),
    ("begins_with(s, :v)", {":v": N("1")}, "Incorrect operand type for operator or function; "
     "operator or function: begins_with, operand type: N"),
    ("n <= :v", {":v": {"BOOL": True}}, "Incorrect operand type for operator or function; "
     "operator or function: <=, operand type: BOOL"),
    ("n = :x", None, "An expression attribute value used in expression is not defined; "
     "attribute value: :x"),
    ("#x = :v", {":v": N("1")}, "An expression attribute name used in the document path is not "
     "defined; attribute name: #x"),
    ("status = :v", {":v": N("1")}, "Attribute name is a reserved keyword; reserved keyword: "
     "status"),
    ("n IN ()", None, 'Syntax error; token: ")", near: "()"'),
    ("((attribute_exists(n)))", None, "The expression has redundant parentheses;"),
    ("n = ((:v))", {":v": N("1")}, "The expression has redundant parentheses;"),
    ("size(:v) = :w", {":v": N("1"), ":w": N("1")}, "Incorrect operand type for operator or "
     "function; operator or function: size, operand type: N"),
    ("attribute_type(n, s)", None, "Incorrect operand type for operator or function; operator or "
     "function: attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}"),
    ("attribute_exists(n, s)", None, "Incorrect number of operands for operator or function; "
     "operator or function: attribute_exists, number of operands: 2"),
    ("attribute_exists(n) = :v", {":v": N("1")}, "The function is not allowed to be used this "
     "way in an expression; function: attribute_exists"),
    ("n = ", None, 'Syntax error; token: "<EOF>", near: "= "'),
    # Update functions have no place in a condition; unknown names are "Invalid function name",
    # and function names are case-sensitive (Alternator suite, recorded against AWS).
    ("if_not_exists(n, :v) = :v", {":v": N("1")}, "The function is not allowed in a condition "
     "expression; function: if_not_exists"),
    ("list_append(l, :v) = l", {":v": {"L": []}}, "The function is not allowed in a condition "
     "expression; function: list_append"),
    ("if_not_exists(n, :v)", {":v": N("1")}, "The function is not allowed in a condition "
     "expression; function: if_not_exists"),
    ("ATTRIBUTE_EXISTS(n)", None, "Invalid function name; function: ATTRIBUTE_EXISTS"),
    ("n < f(f(s))", None, "Invalid function name; function: f"),
    # Names start with a letter.
    ("_n = :v", {":v": N("1")}, 'Syntax error; token: "_", near: "_n"'),
    ("attribute_exists(m._x)", None, 'Syntax error; token: "_", near: "._x"'),
])
def test_expression_errors(ddb: Any, stored: str, invalid: Any, expression: str,
                           values: dict[str, Any] | None, message: str) -> None:
    kwargs: dict[str, Any] = {"ExpressionAttributeValues": values} if values else {}
    invalid(ddb.put_item, INVALID + message, TableName=stored, Item=ITEM,
            ConditionExpression=expression, **kwargs)


def test_empty_condition_expression(ddb: Any, stored: str, invalid: Any) -> None:
    invalid(ddb.put_item, "Invalid ConditionExpression: The expression can not be empty;",
            TableName=stored, Item=ITEM, ConditionExpression="")
