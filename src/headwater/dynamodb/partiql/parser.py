"""Parse PartiQL statement text into statements.py objects, once per text (cached).

Every failure is a ValidationException: syntax errors use AWS's "Statement wasn't well formed,
can't be processed: ..." envelope; checks that need only the text (unknown functions, bag
contents, duplicate projections, RETURNING forms) run here and are cached with the tree.
Messages follow DynamoDB's PartiQL validation messages (as DynamoDB Local reports them).
"""

from __future__ import annotations

import builtins
import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import LarkError, UnexpectedInput, VisitError

from headwater.dynamodb.expressions import ast
from headwater.dynamodb.numbers import normalize_number
from headwater.dynamodb.partiql import statements as st
from headwater.dynamodb.partiql.literals import (
    BAG_TYPES,
    ListValue,
    MapValue,
    bag,
    constant,
    unquote,
)
from headwater.wire.errors import AwsError, ValidationException

MALFORMED = "Statement wasn't well formed, can't be processed: "
ITEM_FORMAT = (
    "Unsupported format in item expression. Please use struct format {...} to express item "
    "values for insert statement."
)
# Deep enough for any sensible statement, shallow enough for recursive binding and evaluation.
MAX_DEPTH = 200
TOO_DEEP = "Statement is nested too deeply"

# Functions usable as a whole condition, and functions usable as an operand, with arities.
CONDITION_FUNCTIONS = {
    "attribute_exists": 1, "attribute_not_exists": 1, "attribute_type": 2,
    "begins_with": 2, "contains": 2,
}
OPERAND_FUNCTIONS = {"size": 1}
SET_FUNCTIONS = {"list_append": 2, "if_not_exists": 2, "set_add": 2, "set_delete": 2}


def malformed(detail: str) -> ValidationException:
    return ValidationException(MALFORMED + detail)


@dataclass(frozen=True, slots=True)
class OrderBy:
    terms: tuple[tuple[ast.Path, bool], ...]


@functools.cache
def _lark() -> Lark:
    grammar = resources.files(__package__).joinpath("grammar.lark").read_text("utf-8")
    return Lark(grammar, parser="lalr", start="start")


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> st.Parsed:
    """The statement for `text`, or a ValidationException."""
    if not text.strip():
        raise malformed("Empty statement")
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as error:
        raise malformed(_describe(text, error)) from None
    except LarkError:
        raise malformed("Unexpected input") from None
    except RecursionError:
        raise malformed(TOO_DEEP) from None
    if _depth(tree) > MAX_DEPTH:
        raise malformed(TOO_DEEP)
    builder = _Builder()
    try:
        statement = builder.transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, AwsError):
            raise error.orig_exc from None
        raise
    return st.Parsed(statement, builder.parameters)


def _depth(tree: Tree[Token]) -> int:
    """Nesting depth of a parse tree, without recursion (evaluation recurses over it later)."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        if isinstance(node, Tree):
            pending.extend((child, depth + 1) for child in node.children)
    return deepest


def _describe(text: str, error: UnexpectedInput) -> str:
    position = getattr(error, "pos_in_stream", None)
    token = getattr(error, "token", None)
    if token is not None and getattr(token, "type", "") == "$END":
        return "Unexpected end of statement"
    if position is None:
        position = len(text)
    near = text[position:position + 20].split()
    word = near[0] if near else text[position:position + 1]
    if position == 0 or not text[:position].strip():
        return "Expected data manipulation"
    return f"Unexpected token: {word} at position {position + 1}"


@v_args(inline=True)
class _Builder(Transformer[Token, Any]):
    def __init__(self) -> None:
        super().__init__()
        self.parameters = 0

    # ---- values
    def string(self, token: Token) -> ast.Literal:
        return ast.Literal({"S": unquote(str(token), "'")})

    def number(self, token: Token) -> ast.Literal:
        return ast.Literal({"N": normalize_number(str(token))})

    def true(self, _token: Token) -> ast.Literal:
        return ast.Literal({"BOOL": True})

    def false(self, _token: Token) -> ast.Literal:
        return ast.Literal({"BOOL": False})

    def null(self, _token: Token) -> ast.Literal:
        return ast.Literal({"NULL": True})

    def param(self, _token: Token) -> ast.ValueRef:
        ref = ast.ValueRef(f":{self.parameters}")
        self.parameters += 1
        return ref

    def bag(self, _open: Token, *values: Any) -> ast.Literal:
        given = [constant(v) for v in values[:-1] if v is not None]
        elements = [e for e in given if e is not None]
        if len(elements) != len(given):
            raise ValidationException(BAG_TYPES)
        return bag(elements)

    def list(self, *values: Any) -> Any:
        items = tuple(v for v in values if v is not None)
        constants = [constant(v) for v in items]
        if all(c is not None for c in constants):
            return ast.Literal({"L": constants})
        return ListValue(items)

    def member(self, key: Any, value: Any) -> tuple[str, Any]:
        found = constant(key)
        if found is None or "S" not in found:
            kind = "PARAMETER" if found is None else next(iter(found))
            raise ValidationException(f"Tuple keys must be of type String. Actual type: {kind}")
        return found["S"], value

    def struct(self, *members: Any) -> Any:
        pairs = tuple(m for m in members if m is not None)
        names = [name for name, _ in pairs]
        for name in names:
            if names.count(name) > 1:
                raise ValidationException(f"Duplicate keys in tuple. Key: {name}")
        constants = {name: constant(v) for name, v in pairs}
        if all(c is not None for c in constants.values()):
            return ast.Literal({"M": constants})
        return MapValue(pairs)

    # ---- paths
    def name(self, token: Token) -> str:
        # The contextual lexer reads MISSING outside `IS [NOT] MISSING` as a name.
        if str(token).upper() == "MISSING":
            raise ValidationException("MISSING must be compared using IS operator")
        return str(token)

    def quoted_name(self, token: Token) -> str:
        name = unquote(str(token), '"')
        if not name:
            raise ValidationException("Path component cannot be an empty string")
        return name

    def index(self, token: Token) -> int:
        return int(token)

    def path(self, *elements: Any) -> ast.Path:
        return ast.Path(tuple(elements))

    # ---- conditions
    def call(self, name: Token, *args: Any) -> ast.Call:
        return ast.Call(str(name).lower(), tuple(a for a in args if a is not None))

    def compare(self, left: Any, op: Token, right: Any) -> ast.Compare:
        operator = "<>" if str(op) == "!=" else str(op)
        _check_operands((left, right))
        return ast.Compare(operator, left, right)

    def between(self, operand: Any, _kw: Token, low: Any, _and: Token, high: Any) -> ast.Between:
        _check_operands((operand, low, high))
        return ast.Between(operand, low, high)

    def in_(self, operand: Any, _kw: Token, *options: Any) -> ast.In:
        _check_operands((operand, *options))
        return ast.In(operand, tuple(options))

    def is_missing(self, operand: Any, _is: Token, *rest: Token) -> ast.FunctionCondition:
        negated = len(rest) == 2
        name = "attribute_exists" if negated else "attribute_not_exists"
        if not isinstance(operand, ast.Path):
            raise ValidationException(
                "The left hand side argument to IS must be a Variable Reference, Literal, or Path"
            )
        return ast.FunctionCondition(ast.Call(name, (operand,)))

    def is_null(self, operand: Any, _is: Token, *rest: Token) -> Any:
        if not isinstance(operand, ast.Path):
            raise ValidationException(
                "The left hand side argument to IS must be a Variable Reference, Literal, or Path"
            )
        # PartiQL: MISSING IS NULL holds, so IS NULL means absent or of type NULL.
        null = ast.FunctionCondition(
            ast.Call("attribute_type", (operand, ast.Literal({"S": "NULL"})))
        )
        missing = ast.FunctionCondition(ast.Call("attribute_not_exists", (operand,)))
        node = ast.Or(missing, null)
        return ast.Not(node) if len(rest) == 2 else node

    def call_condition(self, call: ast.Call) -> ast.FunctionCondition:
        _check_call(call, CONDITION_FUNCTIONS)
        _check_operands(call.args)
        return ast.FunctionCondition(call)

    def and_(self, left: Any, _kw: Token, right: Any) -> ast.And:
        return ast.And(left, right)

    def or_(self, left: Any, _kw: Token, right: Any) -> ast.Or:
        return ast.Or(left, right)

    def not_(self, _kw: Token, operand: Any) -> ast.Not:
        return ast.Not(operand)

    def where(self, _kw: Token, condition: Any) -> Any:
        return condition

    # ---- statements
    def star(self, *_: Any) -> None:
        return None

    def paths(self, *paths: ast.Path) -> tuple[ast.Path, ...]:
        seen: set[str] = set()
        for path in paths:
            label = result_name(path)
            if label in seen:
                raise ValidationException(f"Duplicate identifiers in select clause: {label}")
            seen.add(label)
        return paths

    def source(self, table: str, index: str | None = None) -> tuple[str, str | None]:
        return table, index

    def ordering(self, path: ast.Path, direction: Token | None = None) -> tuple[ast.Path, bool]:
        return path, direction is not None and str(direction).upper() == "DESC"

    def order_by(self, _order: Token, _by: Token, *terms: tuple[ast.Path, bool]) -> OrderBy:
        return OrderBy(terms)

    def select(self, _kw: Token, projection: Any, _from: Token, source: Any,
               *rest: Any) -> st.Select:
        table, index = source
        where = next((p for p in rest if not isinstance(p, OrderBy)), None)
        order = next((p.terms for p in rest if isinstance(p, OrderBy)), ())
        if order and where is None:
            raise ValidationException(
                "Must have WHERE clause in the statement when using ORDER BY clause.")
        return st.Select(table, index, projection, where, order)

    def insert(self, _kw: Token, _into: Token, table: str, _value: Token, item: Any,
               returning: Any = None) -> st.Insert:
        if returning is not None:
            raise ValidationException("RETURNING is not supported in INSERT")
        if not isinstance(item, MapValue) and not (
            isinstance(item, ast.Literal) and item.type() == "M"
        ):
            raise ValidationException(ITEM_FORMAT)
        return st.Insert(table, item)

    def assignment(self, path: ast.Path, value: Any) -> ast.UpdateAction:
        if isinstance(value, ast.Call):
            _check_call(value, SET_FUNCTIONS)
            if value.name in ("set_add", "set_delete"):
                operator = value.name[4:].upper()
                if value.args[0] != path:
                    raise ValidationException(
                        f"The first argument to SET_{operator} must equal the assignment value"
                    )
                if operator == "ADD":
                    return ast.AddAction(path, value.args[1])
                return ast.DeleteAction(path, value.args[1])
            if value.name == "if_not_exists" and not isinstance(value.args[0], ast.Path):
                raise ValidationException("Unsupported operation: if_not_exists needs a path")
        for operand in _operands(value):
            if isinstance(operand, ast.Call):
                _check_call(operand, SET_FUNCTIONS)
        return ast.SetAction(path, value)

    def arithmetic(self, left: Any, op: Token, right: Any) -> ast.Arithmetic:
        return ast.Arithmetic(str(op), left, right)

    # `builtins.list`: inside this class `list` names the transformer rule below.
    def set_clause(self, _kw: Token, *actions: Any) -> builtins.list[Any]:
        return list(actions)

    def remove_clause(self, _kw: Token, *paths: ast.Path) -> builtins.list[ast.RemoveAction]:
        return [ast.RemoveAction(p) for p in paths]

    def returning_mode(self, first: Token, second: Token) -> str:
        return f"{str(first).upper()} {str(second).upper()}"

    def returning(self, _kw: Token, mode: str, *_star: Token) -> st.Returning:
        return st.Returning(mode)

    def update(self, _kw: Token, table: str, *rest: Any) -> st.Update:
        actions: list[Any] = []
        where = returning = None
        for part in rest:
            if isinstance(part, list):
                actions.extend(part)
            elif isinstance(part, st.Returning):
                returning = part
            elif part is not None:
                where = part
        return st.Update(table, tuple(actions), where, returning)

    def delete(self, _kw: Token, _from: Token, table: str, *rest: Any) -> st.Delete:
        where = returning = None
        for part in rest:
            if isinstance(part, st.Returning):
                returning = part
            elif part is not None:
                where = part
        if returning is not None and returning.mode != "ALL OLD":
            raise ValidationException(
                f"Invalid returning clause: RETURNING {returning.mode} *. "
                "Only RETURNING ALL OLD * is allowed in DELETE statements."
            )
        return st.Delete(table, where, returning)

    def exists(self, _kw: Token, select: st.Select) -> st.Exists:
        return st.Exists(select)

    def start(self, statement: Any) -> Any:
        return statement


def result_name(path: ast.Path) -> str:
    """The member name a projected path arrives under: its last name and any indexes after it."""
    elements = path.elements
    last = max(i for i, e in enumerate(elements) if isinstance(e, str))
    return str(elements[last]) + "".join(f"[{e}]" for e in elements[last + 1:])


def _operands(value: Any) -> list[Any]:
    if isinstance(value, ast.Arithmetic):
        return [value.left, value.right, *_operands(value.left), *_operands(value.right)]
    if isinstance(value, ast.Call):
        return [*value.args, *(o for a in value.args for o in _operands(a))]
    return []


def _check_call(call: ast.Call, allowed: dict[str, int]) -> None:
    expected = allowed.get(call.name)
    if expected is None:
        raise ValidationException(f"Unrecognized function: {call.name}")
    if len(call.args) != expected:
        raise ValidationException(
            f"Incorrect number of arguments for function {call.name}: {len(call.args)}"
        )


def _check_operands(operands: tuple[Any, ...]) -> None:
    for operand in operands:
        if isinstance(operand, ast.Call):
            _check_call(operand, OPERAND_FUNCTIONS)
            _check_operands(operand.args)
