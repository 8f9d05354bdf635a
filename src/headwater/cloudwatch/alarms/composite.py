"""Composite alarm rules (PutCompositeAlarm AlarmRule): ALARM(name), OK(name),
INSUFFICIENT_DATA(name), TRUE, FALSE, combined with NOT, AND, OR and parentheses; names may be
alarm names or ARNs, quoted or not. NOT binds tightest, then AND, then OR."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from headwater.cloudwatch.errors import InvalidParameterValueException

_TOKEN = re.compile(r'\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|([^\s()"]+))')
FUNCTIONS = ("ALARM", "OK", "INSUFFICIENT_DATA")


def names(rule: str) -> list[str]:
    """The alarm names a rule refers to (ARNs reduced to names); raises for a bad rule."""
    found: list[str] = []
    _Parser(rule, None, found).parse()
    return found


def evaluate(rule: str, states: Mapping[str, str]) -> bool:
    return _Parser(rule, states, []).parse()


def reason(rule: str, alarms: Mapping[str, dict[str, Any]], firing: bool) -> str:
    referred = names(rule)
    parts = [f"{alarms[n]['AlarmArn']} transitioned to {alarms[n]['StateValue']}"
             for n in referred if n in alarms]
    verdict = "TRUE" if firing else "FALSE"
    return f"Composite alarm rule evaluated to {verdict}: " + "; ".join(parts) + "."


class _Parser:
    def __init__(self, rule: str, states: Mapping[str, str] | None, found: list[str]) -> None:
        self.tokens = self._tokens(rule)
        self.at = 0
        self.states = states
        self.found = found

    @staticmethod
    def _tokens(rule: str) -> list[str]:
        out: list[str] = []
        position = 0
        rule = rule.rstrip()
        while position < len(rule):
            match = _TOKEN.match(rule, position)
            if match is None or match.end() == position:
                raise _bad()
            position = match.end()
            if match.group(3) is not None:
                out.append('"' + match.group(3))
            else:
                out.append(next(g for g in match.groups() if g is not None))
        return out

    def parse(self) -> bool:
        value = self._or()
        if self.at != len(self.tokens):
            raise _bad()
        return value

    def _peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _take(self) -> str:
        token = self._peek()
        if token is None:
            raise _bad()
        self.at += 1
        return token

    def _or(self) -> bool:
        value = self._and()
        while self._peek() == "OR":
            self.at += 1
            right = self._and()
            value = value or right
        return value

    def _and(self) -> bool:
        value = self._not()
        while self._peek() == "AND":
            self.at += 1
            right = self._not()
            value = value and right
        return value

    def _not(self) -> bool:
        if self._peek() == "NOT":
            self.at += 1
            return not self._not()
        return self._atom()

    def _atom(self) -> bool:
        token = self._take()
        if token == "(":
            value = self._or()
            if self._take() != ")":
                raise _bad()
            return value
        if token in ("TRUE", "FALSE"):
            return token == "TRUE"
        if token not in FUNCTIONS or self._take() != "(":
            raise _bad()
        name = self._take().lstrip('"')
        if self._take() != ")":
            raise _bad()
        name = name.rsplit(":alarm:", 1)[-1]
        self.found.append(name)
        if self.states is None:
            return False
        return self.states.get(name) == token


def _bad() -> InvalidParameterValueException:
    return InvalidParameterValueException("AlarmRule is not valid.")
