"""Key conditions (KeyConditionExpression and legacy KeyConditions) for Query.

The expression names a hash key equality and at most one range key condition (=, <, <=, >, >=,
BETWEEN, begins_with), in either order. Which attribute is the hash key is only known from the
table schema: `for_schema` settles it and raises AWS's schema errors.

A GSI key of several attributes (up to four HASH and four RANGE) takes an equality on every
HASH attribute and conditions on a left-to-right prefix of the RANGE attributes, where only the
last one named may be a range condition (AWS "Multi-attribute key schema"; wording recorded
against AWS in paritysuite/dynamodb-conformance multiAttributeGsiKey.test.ts).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from headwater.dynamodb.expressions import ast, values
from headwater.dynamodb.expressions.binding import bind_text
from headwater.dynamodb.expressions.conditions import check
from headwater.wire.errors import ValidationException

KIND = "KeyConditionExpression"
_OPERATORS = {"=": "EQ", "<": "LT", "<=": "LE", ">": "GT", ">=": "GE"}
_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_TESTS = {"EQ": "=", "LT": "<", "LE": "<=", "GT": ">", "GE": ">="}
MAX_TERMS = 8  # four HASH and four RANGE attributes of a multi-attribute GSI key


@dataclass(frozen=True)
class KeyTerm:
    name: str
    op: str  # EQ LT LE GT GE BETWEEN BEGINS_WITH
    values: tuple[ast.AttributeValue, ...]

    def matches(self, value: ast.AttributeValue | None) -> bool:
        if value is None:
            return False
        if self.op == "BETWEEN":
            low, high = self.values
            return values.compare(">=", value, low) and values.compare("<=", value, high)
        if self.op == "BEGINS_WITH":
            return values.begins_with(value, self.values[0])
        return values.compare(_TESTS[self.op], value, self.values[0])


@dataclass(frozen=True)
class KeyCondition:
    terms: tuple[KeyTerm, ...]
    used_names: frozenset[str] = field(default_factory=frozenset)
    used_values: frozenset[str] = field(default_factory=frozenset)
    hash_count: int = 1  # after for_key_schema: the leading terms that are HASH equalities

    @property
    def hash_terms(self) -> tuple[KeyTerm, ...]:
        return self.terms[:self.hash_count]

    @property
    def range_terms(self) -> tuple[KeyTerm, ...]:
        return self.terms[self.hash_count:]

    @property
    def _hash(self) -> KeyTerm:
        return next((t for t in self.terms if t.op == "EQ"), self.terms[0])

    @property
    def _range(self) -> KeyTerm | None:
        return next((t for t in self.terms if t is not self._hash), None)

    @property
    def hash_name(self) -> str:
        return self._hash.name

    @property
    def hash_value(self) -> ast.AttributeValue:
        return self._hash.values[0]

    @property
    def range_name(self) -> str | None:
        term = self._range
        return term.name if term else None

    @property
    def range_op(self) -> str | None:
        term = self._range
        return term.op if term else None

    @property
    def range_values(self) -> list[ast.AttributeValue]:
        term = self._range
        return list(term.values) if term else []

    def for_schema(self, hash_key: str, range_key: str | None) -> KeyCondition:
        """Order the terms as (hash, range) for this key schema, or raise AWS's error."""
        by_name = {t.name: t for t in self.terms}
        if len(self.terms) > 2:
            raise ValidationException("Conditions can be of length 1 or 2 only")
        if hash_key not in by_name:
            raise ValidationException(f"Query condition missed key schema element: {hash_key}")
        extra = [name for name in by_name if name not in (hash_key, range_key)]
        if extra:
            if range_key is not None:
                raise ValidationException(f"Query condition missed key schema element: {range_key}")
            raise ValidationException("Query key condition not supported")
        if by_name[hash_key].op != "EQ":
            raise ValidationException("Query key condition not supported")
        ordered = [by_name[hash_key]] + ([by_name[range_key]] if range_key in by_name else [])
        return dataclasses.replace(self, terms=tuple(ordered))

    def for_key_schema(self, hash_keys: list[str], range_keys: list[str]) -> KeyCondition:
        """Order the terms as (HASH terms, RANGE terms) in key schema order, or raise AWS's
        error; a schema of one HASH and at most one RANGE attribute goes through for_schema."""
        if len(hash_keys) == 1 and len(range_keys) <= 1:
            single = self.for_schema(hash_keys[0], range_keys[0] if range_keys else None)
            return dataclasses.replace(single, hash_count=1)
        by_name = {t.name: t for t in self.terms}
        for name in hash_keys:
            if name not in by_name:
                raise ValidationException(f"Query condition missed key schema element: {name}")
            if by_name[name].op != "EQ":
                raise ValidationException("Query key condition not supported")
        if any(name not in hash_keys and name not in range_keys for name in by_name):
            raise ValidationException("Query key condition not supported")
        named = [name for name in range_keys if name in by_name]
        if named:
            last = named[-1]
            before = range_keys[:range_keys.index(last)]
            lacking = [name for name in before if name not in by_name or by_name[name].op != "EQ"]
            if lacking:
                raise ValidationException(
                    f"RANGE key attributes {', '.join(lacking)} must have equality conditions "
                    f"specified in the query because a condition is present on key attribute "
                    f"{last}")
        ordered = [by_name[name] for name in hash_keys] + [by_name[name] for name in named]
        return dataclasses.replace(self, terms=tuple(ordered), hash_count=len(hash_keys))

    def evaluate(self, item: ast.Item | None) -> bool:
        return item is not None and all(t.matches(item.get(t.name)) for t in self.terms)


def compile_key_condition(
    expression: str,
    names: dict[str, str] | None,
    values_map: dict[str, ast.AttributeValue] | None,
) -> KeyCondition:
    node, used_names, used_values = bind_text(KIND, expression, names, values_map)
    check(node, KIND)
    terms: list[KeyTerm] = []
    _collect(node, terms)
    return KeyCondition(tuple(terms), used_names, used_values)


def _collect(node: Any, terms: list[KeyTerm]) -> None:
    if isinstance(node, ast.Parens):
        _collect(node.inner, terms)
        return
    if isinstance(node, ast.And):
        _collect(node.left, terms)
        _collect(node.right, terms)
        return
    term = _term(node)
    if any(t.name == term.name for t in terms):
        raise ValidationException("KeyConditionExpressions must only contain one condition per key")
    if len(terms) == MAX_TERMS:
        raise ValidationException("Conditions can be of length 1 or 2 only")
    terms.append(term)


def _bad_operator(name: str) -> ValidationException:
    return ValidationException(f"Invalid operator used in KeyConditionExpression: {name}")


def _term(node: Any) -> KeyTerm:
    if isinstance(node, ast.Or):
        raise _bad_operator("OR")
    if isinstance(node, ast.Not):
        raise _bad_operator("NOT")
    if isinstance(node, ast.In):
        raise _bad_operator("IN")
    if isinstance(node, ast.Compare) and node.op == "<>":
        raise _bad_operator("<>")
    if isinstance(node, ast.FunctionCondition):
        name, args = node.call.name, node.call.args
        if name != "begins_with":
            raise _bad_operator(name)
    elif isinstance(node, ast.Between):
        name, args = "BETWEEN", (node.operand, node.low, node.high)
    else:
        name, args = node.op, (node.left, node.right)
    if any(isinstance(a, ast.Call) for a in args):
        raise ValidationException("KeyConditionExpressions cannot contain nested operations")
    if name in ("BETWEEN", "begins_with") and not isinstance(args[0], ast.Path):
        raise ValidationException(
            f"Invalid condition in KeyConditionExpression: {name} operator must have the key "
            "attribute as its first operand",
        )
    key_paths = [i for i, a in enumerate(args) if isinstance(a, ast.Path)]
    if len(key_paths) > 1:
        raise ValidationException(
            "Invalid condition in KeyConditionExpression: Multiple attribute names used "
            "in one condition"
        )
    if not key_paths:
        raise ValidationException(
            "Invalid condition in KeyConditionExpression: No key attribute specified"
        )
    path = args[key_paths[0]]
    assert isinstance(path, ast.Path)
    if len(path.elements) > 1:
        raise ValidationException(
            "KeyConditionExpressions cannot have conditions on nested attributes"
        )
    operands = tuple(a.value for a in args if isinstance(a, ast.Literal))
    if name == "BETWEEN":
        op = "BETWEEN"
    elif name == "begins_with":
        op = "BEGINS_WITH"
    else:
        op = _OPERATORS[name if key_paths[0] == 0 else _FLIPPED[name]]
    return KeyTerm(str(path.elements[0]), op, operands)
