"""The metric math grammar (CloudWatch User Guide, "Metric math syntax and functions"): numbers,
strings, query Ids, FUNCTION(args), array literals [a, b], unary minus, the arithmetic
operators + - * / ^, the comparison operators == != <= >= < > and the logical operators
AND / && and OR / ||, parsed into a small tree by precedence climbing.

Precedence, loosest first: OR, AND, comparisons, + -, * /, unary minus, ^ (right
associative). A bare name is a query Id, or a keyword a function reads itself (SORT's AVG and
DESC, FILL's REPEAT and LINEAR).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class ExpressionError(Exception):
    """A malformed expression; the message says where."""


@dataclass(frozen=True, slots=True)
class Number:
    value: float


@dataclass(frozen=True, slots=True)
class Text:
    value: str


@dataclass(frozen=True, slots=True)
class Name:
    name: str


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Array:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Unary:
    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node


Node = Number | Text | Name | Call | Array | Unary | Binary

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)"
    r"|(?P<name>[A-Za-z_]\w*)"
    r"|(?P<str>'[^']*'|\"[^\"]*\"|\u201c[^\u201d]*\u201d)"
    r"|(?P<op>==|!=|<=|>=|&&|\|\||[-+*/^()<>,\[\]]))")
# Binary operators by precedence level, loosest first.
LEVELS: tuple[frozenset[str], ...] = (
    frozenset({"OR", "||"}),
    frozenset({"AND", "&&"}),
    frozenset({"==", "!=", "<=", ">=", "<", ">"}),
    frozenset({"+", "-"}),
    frozenset({"*", "/"}),
)
SPELLING = {"||": "OR", "&&": "AND"}


def tokenize(expression: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    at, text = 0, expression.rstrip()
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            position = at + len(text[at:]) - len(text[at:].lstrip()) + 1
            raise ExpressionError(f"Unexpected character at position {position}")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "name" and value in ("AND", "OR"):
            kind = "op"
        out.append((kind, value))
        at = match.end()
    return out


def parse(expression: str) -> Node:
    """The tree of `expression`; ExpressionError when it is malformed."""
    parser = _Parser(tokenize(expression))
    if not parser.tokens:
        raise ExpressionError("Unexpected end of expression")
    node = parser.binary(0)
    if parser.at != len(parser.tokens):
        raise ExpressionError(f"Unexpected token '{parser.tokens[parser.at][1]}'")
    return node


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, *ops: str) -> str | None:
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] in ops:
            self.at += 1
            return token[1]
        return None

    def binary(self, level: int) -> Node:
        if level == len(LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while (op := self.take(*LEVELS[level])) is not None:
            node = Binary(SPELLING.get(op, op), node, self.binary(level + 1))
        return node

    def unary(self) -> Node:
        if self.take("-"):
            return Unary("-", self.unary())
        if self.take("+"):
            return self.unary()
        return self.power()

    def power(self) -> Node:
        node = self.atom()
        if self.take("^"):
            return Binary("^", node, self.unary())
        return node

    def atom(self) -> Node:
        token = self.peek()
        if token is None:
            raise ExpressionError("Unexpected end of expression")
        kind, text = token
        self.at += 1
        if kind == "num":
            return Number(float(text))
        if kind == "str":
            return Text(text[1:-1])
        if kind == "name":
            if self.take("("):
                return Call(text, self.items(")"))
            return Name(text)
        if text == "(":
            node = self.binary(0)
            if not self.take(")"):
                raise ExpressionError("Missing ')'" if self.peek() is None
                                      else f"Unexpected token '{self.tokens[self.at][1]}'")
            return node
        if text == "[":
            return Array(self.items("]"))
        raise ExpressionError(f"Unexpected token '{text}'")

    def items(self, close: str) -> tuple[Node, ...]:
        found: list[Node] = []
        if self.take(close):
            return ()
        while True:
            found.append(self.binary(0))
            if self.take(close):
                return tuple(found)
            if not self.take(","):
                if self.peek() is None:
                    raise ExpressionError(f"Missing '{close}'")
                raise ExpressionError(f"Expected ',' or '{close}'")


def names(node: Node) -> set[str]:
    """The bare names an expression uses (query Ids and keywords)."""
    if isinstance(node, Name):
        return {node.name}
    if isinstance(node, Call | Array):
        items = node.args if isinstance(node, Call) else node.items
        return set().union(*(names(n) for n in items)) if items else set()
    if isinstance(node, Unary):
        return names(node.operand)
    if isinstance(node, Binary):
        return names(node.left) | names(node.right)
    return set()


def calls(node: Node) -> set[str]:
    """The functions an expression calls."""
    if isinstance(node, Call):
        return {node.function}.union(*(calls(n) for n in node.args))
    if isinstance(node, Array):
        return set().union(*(calls(n) for n in node.items)) if node.items else set()
    if isinstance(node, Unary):
        return calls(node.operand)
    if isinstance(node, Binary):
        return calls(node.left) | calls(node.right)
    return set()
