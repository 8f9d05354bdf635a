"""PLACEHOLDER (IAM_PLAN.md, "iampolicy owns"): the iampolicy branch replaces this module with
the real parser; this one only checks JSON and the presence of Version and Statement, so the
IAM API can store and return documents meanwhile. Keep it tiny; resolve merges in favour of
iampolicy's version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson


class MalformedPolicy(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PolicyDocument:
    text: str
    statements: tuple[Any, ...]


def parse_policy(text: str, *, kind: str = "identity") -> PolicyDocument:
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise MalformedPolicy("Syntax errors in policy.") from None
    if not isinstance(document, dict) or "Statement" not in document:
        raise MalformedPolicy("Syntax errors in policy.")
    statements = document["Statement"]
    if isinstance(statements, dict):
        statements = [statements]
    return PolicyDocument(text, tuple(statements))
