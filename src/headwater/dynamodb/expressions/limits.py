"""The limits DynamoDB checks on an expression's text before parsing it: 4 KB of UTF-8, then at
most 300 operators and functions.

AWS "Constraints in Amazon DynamoDB", Expression parameters: "The maximum length of any
expression string is 4 KB" and "The maximum number of operators or functions allowed in any
expression is 300". Messages as DynamoDB words them (DynamoDB Local's DbValidationError
texts; the sizes and the count as recorded against AWS by the ScyllaDB Alternator suite,
test/alternator/test_limits.py): the size check comes first, even before a syntax error, and
the count stops at 301. How operators are counted follows AWS's own example "Count expression
operators in DynamoDB": each comparator, AND, OR, NOT, BETWEEN, IN, function call, `+` and `-`
counts once (so BETWEEN with its AND counts twice); parentheses and paths do not count.

Both checks are linear scans, so a 2.6 MB expression is refused in the time it takes to
measure it, never parsed.
"""

from __future__ import annotations

import re

MAX_EXPRESSION_BYTES = 4096
MAX_OPERATORS = 300
# Only ConditionExpression and FilterExpression append the size (recorded against AWS by the
# ExtendDB suite, tests/test_expression_size_limit.py).
_SIZE_SHOWN = frozenset({"ConditionExpression", "FilterExpression"})
_KEYWORD_OPERATORS = frozenset({"AND", "OR", "NOT", "BETWEEN", "IN"})
# Identifiers (optionally followed by the "(" of a call), placeholders, and operator symbols.
_TOKEN = re.compile(r"([A-Za-z][A-Za-z0-9_]*)(\s*\()?|[#:][A-Za-z0-9_]*|<>|<=|>=|[=<>+-]")


def size_error(kind: str, text: str) -> str | None:
    """AWS's message when `text` is longer than 4 KB of UTF-8, else None."""
    # A character is at most 4 bytes: most texts are decided without encoding them.
    if len(text) <= MAX_EXPRESSION_BYTES // 4:
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= MAX_EXPRESSION_BYTES:
        return None
    message = "Expression size has exceeded the maximum allowed size;"
    if kind in _SIZE_SHOWN:
        message += f" expression size: {size}"
    return message


def operator_error(text: str) -> str | None:
    """AWS's message when `text` holds more than 300 operators and functions, else None."""
    count = 0
    for match in _TOKEN.finditer(text):
        word, call = match.group(1), match.group(2)
        if word is not None:
            counted = call is not None or word.upper() in _KEYWORD_OPERATORS
        else:
            counted = match.group()[0] not in "#:"
        if counted:
            count += 1
            if count > MAX_OPERATORS:
                return f"The expression contains too many operators; operator count: {count}"
    return None
