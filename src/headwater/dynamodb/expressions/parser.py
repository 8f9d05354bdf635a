"""Parse expression text into ast.py trees, once per (kind, text), with AWS's syntax errors.

Checks that need nothing but the text (syntax, redundant parentheses, unknown or misused
functions, reserved words, repeated update sections) run here and are cached with the tree;
checks that need ExpressionAttributeNames/Values run when binding (binding.py).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from headwater.dynamodb.expressions import ast, limits
from headwater.wire.errors import ValidationException

CONDITION_FUNCTIONS = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
    "size": 1,
}
UPDATE_FUNCTIONS = {"if_not_exists": 2, "list_append": 2}

_START_RULES = {
    "ConditionExpression": "condition",
    "FilterExpression": "condition",
    "KeyConditionExpression": "condition",
    "UpdateExpression": "update",
    "ProjectionExpression": "projection",
}

# Rough tokens of the source text, used only to quote the text near a syntax error. A name
# starts with a letter or digit, so "_a" is the tokens "_" and "a", as AWS quotes them.
_SOURCE_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]*|[#:][A-Za-z0-9_]*|<>|<=|>=|\S")


def invalid(kind: str, message: str) -> ValidationException:
    return ValidationException(f"Invalid {kind}: {message}")


@functools.cache
def reserved_words() -> frozenset[str]:
    text = resources.files(__package__).joinpath("reserved_words.json").read_text("utf-8")
    return frozenset(json.loads(text))


# The keywords of each language. The contextual lexer reads a keyword as a NAME wherever the
# grammar cannot take the keyword ("set a=set"), which would make it an attribute name; AWS's
# lexer keeps it a keyword there, so the text is a syntax error at that word.
_KEYWORDS = {
    "condition": frozenset({"AND", "OR", "NOT", "BETWEEN", "IN"}),
    "update": frozenset({"SET", "REMOVE", "ADD", "DELETE"}),
    "projection": frozenset(),
}


class _KeywordAsName(Exception):
    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position


@functools.cache
def _lark(start: str) -> Lark:
    grammar = resources.files(__package__).joinpath("grammar.lark").read_text("utf-8")
    keywords = _KEYWORDS[start]

    def check_name(token: Token) -> Token:
        if token.upper() in keywords:
            raise _KeywordAsName(token.start_pos or 0)
        return token

    return Lark(grammar, parser="lalr", start=start, lexer_callbacks={"NAME": check_name})


def warm() -> None:
    """Build each language's parser now (Lark's LALR tables take ~50 ms apiece), so the first
    request with an expression does not hold the event loop while they are built."""
    for start in _KEYWORDS:
        _lark(start)


@functools.lru_cache(maxsize=4096)
def parse(kind: str, text: str) -> Any:
    """Return the unbound tree for `text` parsed as `kind` (e.g. "FilterExpression")."""
    if text == "":
        raise invalid(kind, "The expression can not be empty;")
    # The text limits come first, before any syntax error (limits.py).
    limit = limits.size_error(kind, text) or limits.operator_error(text)
    if limit:
        raise invalid(kind, limit)
    start = _START_RULES[kind]
    try:
        tree = _lark(start).parse(text)
    except _KeywordAsName as error:
        raise invalid(kind, _syntax_message_at(text, error.position)) from None
    except UnexpectedInput as error:
        raise invalid(kind, _syntax_message(text, error)) from None
    except LarkError:
        raise invalid(kind, _syntax_message(text, None)) from None
    transformer = _ToAst()
    try:
        node = transformer.transform(tree)
        checks = _StaticChecks(kind, start)
        if transformer.redundant_parens:
            checks.note_redundant_parens()
        checks.run(node)
    except RecursionError:
        # Within 300 operators only redundant parentheses nest this deep ("((((a < b))))").
        raise invalid(kind, "The expression has redundant parentheses;") from None
    return node


def _syntax_message(text: str, error: UnexpectedInput | None) -> str:
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        position = len(text)
    elif isinstance(error, UnexpectedToken):
        position = error.token.start_pos or 0
    elif isinstance(error, UnexpectedCharacters):
        # lark always sets it here, but declares it as None on the base class.
        position = error.pos_in_stream or 0
    else:
        position = len(text)
    return _syntax_message_at(text, position)


def _syntax_message_at(text: str, position: int) -> str:
    tokens = [m for m in _SOURCE_TOKEN.finditer(text)]
    index = next((i for i, m in enumerate(tokens) if m.end() > position), len(tokens))
    if index == len(tokens):
        token = "<EOF>"
        start = tokens[-1].start() if tokens else len(text)
        return f'Syntax error; token: "{token}", near: "{text[start:]}"'
    token = tokens[index].group()
    start = tokens[max(index - 1, 0)].start()
    end = tokens[min(index + 1, len(tokens) - 1)].end()
    return f'Syntax error; token: "{token}", near: "{text[start:end]}"'


@dataclass(frozen=True, slots=True)
class _Grouped:
    """An operand in parentheses, only while transforming: `((x))` is AWS's redundant parens."""

    inner: Any


def _bare(operand: Any) -> Any:
    while isinstance(operand, _Grouped):
        operand = operand.inner
    return operand


@v_args(inline=True)
class _ToAst(Transformer[Token, Any]):
    def __init__(self) -> None:
        super().__init__()
        self.redundant_parens = False

    def operand_parens(self, inner: Any) -> _Grouped:
        if isinstance(inner, _Grouped):
            self.redundant_parens = True
        return _Grouped(inner)

    def name(self, token: Token) -> str:
        return str(token)

    def name_ref(self, token: Token) -> ast.NameRef:
        return ast.NameRef(str(token))

    def index(self, token: Token) -> int:
        return int(token)

    def path(self, *elements: Any) -> ast.Path:
        return ast.Path(tuple(elements))

    def value(self, token: Token) -> ast.ValueRef:
        return ast.ValueRef(str(token))

    def call(self, name: Token, *args: Any) -> ast.Call:
        return ast.Call(str(name), tuple(_bare(a) for a in args if a is not None))

    def comparator(self, op: Token) -> str:
        return str(op)

    def compare(self, left: Any, op: str, right: Any) -> ast.Compare:
        return ast.Compare(op, _bare(left), _bare(right))

    def between(self, operand: Any, _kw: Token, low: Any, _and: Token, high: Any) -> ast.Between:
        return ast.Between(_bare(operand), _bare(low), _bare(high))

    def in_(self, operand: Any, _kw: Token, *options: Any) -> ast.In:
        return ast.In(_bare(operand), tuple(_bare(o) for o in options))

    def call_condition(self, call: Any) -> ast.FunctionCondition:
        return ast.FunctionCondition(_bare(call))

    def parens(self, inner: Any) -> ast.Parens:
        return ast.Parens(inner)

    def and_(self, left: Any, _kw: Token, right: Any) -> ast.And:
        return ast.And(left, right)

    def or_(self, left: Any, _kw: Token, right: Any) -> ast.Or:
        return ast.Or(left, right)

    def not_(self, _kw: Token, operand: Any) -> ast.Not:
        return ast.Not(operand)

    def condition(self, node: Any) -> Any:
        return node

    def arithmetic(self, left: Any, op: Token, right: Any) -> ast.Arithmetic:
        return ast.Arithmetic(str(op), _bare(left), _bare(right))

    def set_action(self, path: ast.Path, _eq: Token, value: Any) -> ast.SetAction:
        return ast.SetAction(path, _bare(value))

    def set_section(self, _kw: Token, *actions: Any) -> tuple[str, list[Any]]:
        return "SET", list(actions)

    def remove_section(self, _kw: Token, *paths: Any) -> tuple[str, list[Any]]:
        return "REMOVE", [ast.RemoveAction(p) for p in paths]

    def add_section(self, _kw: Token, *items: Any) -> tuple[str, list[Any]]:
        pairs = zip(items[::2], items[1::2], strict=True)
        return "ADD", [ast.AddAction(p, ast.ValueRef(str(v))) for p, v in pairs]

    def delete_section(self, _kw: Token, *items: Any) -> tuple[str, list[Any]]:
        pairs = zip(items[::2], items[1::2], strict=True)
        return "DELETE", [ast.DeleteAction(p, ast.ValueRef(str(v))) for p, v in pairs]

    def update(self, *sections: tuple[str, list[Any]]) -> ast.UpdateNode:
        actions = tuple(a for _, section_actions in sections for a in section_actions)
        return ast.UpdateNode(actions, tuple(name for name, _ in sections))

    def projection(self, *paths: ast.Path) -> ast.ProjectionNode:
        return ast.ProjectionNode(tuple(paths))


# "The maximum depth for a document path is 32" (AWS Constraints, Expression parameters); a
# list index is a Java int. Messages are DynamoDB's (DynamoDB Local's DbValidationError texts).
MAX_PATH_DEPTH = 32
_MAX_LIST_INDEX = 2**31 - 1


class _StaticChecks:
    """Text-only checks, reported in AWS's order of precedence.

    Where a function may stand: in an update expression only if_not_exists and list_append
    ("The function is not allowed in an update expression"), in a condition none of them ("...
    in a condition expression"); a condition function used as an operand, size() used as a
    condition, and list_append nested in list_append are "not allowed to be used this way"
    (the last recorded against AWS by the Alternator suite, test_update_expression.py).
    """

    def __init__(self, kind: str, start: str) -> None:
        self.kind = kind
        self.in_update = start == "update"
        self.errors: dict[str, str] = {}

    def _note(self, category: str, message: str) -> None:
        self.errors.setdefault(category, message)

    def note_redundant_parens(self) -> None:
        self._note("parens", "The expression has redundant parentheses;")

    def run(self, node: Any) -> None:
        if isinstance(node, ast.UpdateNode):
            seen: set[str] = set()
            for section in node.sections:
                if section in seen:
                    self._note(
                        "section",
                        f'The "{section}" section can only be used once in an update expression;',
                    )
                seen.add(section)
            for action in node.actions:
                self._visit(action, operand_position=True)
            order: tuple[str, ...] = ("reserved", "path", "function", "section", "misused")
        else:
            self._visit(node, operand_position=False)
            order = ("parens", "function", "misused", "reserved", "path")
        for category in order:
            if category in self.errors:
                raise invalid(self.kind, self.errors[category])

    def _visit(self, node: Any, operand_position: bool, in_list_append: bool = False) -> None:
        if isinstance(node, ast.Path):
            self._check_path(node)
            return
        if isinstance(node, ast.Parens) and isinstance(node.inner, ast.Parens):
            self._note("parens", "The expression has redundant parentheses;")
        if isinstance(node, ast.Call):
            self._check_call(node, operand_position, in_list_append)
            nested = in_list_append or node.name == "list_append"
            for arg in node.args:
                self._visit(arg, operand_position=True, in_list_append=nested)
            return
        if isinstance(node, ast.FunctionCondition):
            if node.call.name == "size":
                self._misused("size")
            self._visit(node.call, operand_position=False)
            return
        for value in _children(node):
            self._visit(value, operand_position=not _is_condition(value),
                        in_list_append=in_list_append)

    def _check_path(self, path: ast.Path) -> None:
        for element in path.elements:
            if isinstance(element, str) and element.upper() in reserved_words():
                self._note(
                    "reserved", f"Attribute name is a reserved keyword; reserved keyword: {element}"
                )
            elif isinstance(element, int) and element > _MAX_LIST_INDEX:
                self._note(
                    "path", f"List index is not within the allowable range; index: [{element}]"
                )
        if len(path.elements) > MAX_PATH_DEPTH:
            self._note(
                "path",
                "The document path has too many nesting levels; "
                f"nesting levels: {len(path.elements)}",
            )

    def _check_call(self, call: ast.Call, operand_position: bool, in_list_append: bool) -> None:
        name = call.name
        if name not in CONDITION_FUNCTIONS and name not in UPDATE_FUNCTIONS:
            self._note("function", f"Invalid function name; function: {name}")
        elif self.in_update and name not in UPDATE_FUNCTIONS:
            self._note(
                "function",
                f"The function is not allowed in an update expression; function: {name}",
            )
        elif not self.in_update and name in UPDATE_FUNCTIONS:
            self._note(
                "function",
                f"The function is not allowed in a condition expression; function: {name}",
            )
        elif self.in_update and name == "list_append" and in_list_append:
            self._misused(name)
        elif operand_position and not self.in_update and name != "size":
            self._misused(name)

    def _misused(self, name: str) -> None:
        self._note(
            "misused",
            f"The function is not allowed to be used this way in an expression; function: {name}",
        )


_CONDITION_TYPES = (
    ast.Compare,
    ast.Between,
    ast.In,
    ast.FunctionCondition,
    ast.And,
    ast.Or,
    ast.Not,
    ast.Parens,
)


def _is_condition(node: Any) -> bool:
    return isinstance(node, _CONDITION_TYPES)


def _children(node: Any) -> list[Any]:
    out: list[Any] = []
    for field in getattr(node, "__slots__", ()):
        value = getattr(node, field)
        if isinstance(value, tuple):
            out.extend(v for v in value if not isinstance(v, str))
        elif not isinstance(value, str | bool | int):
            out.append(value)
    return out
