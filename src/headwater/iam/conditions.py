"""Condition blocks, compiled once at parse time and tested per request.

IAM user guide, "IAM JSON policy elements: Condition operators" and "Single-valued vs.
multivalued context keys":

- every operator, key and value must match (AND across operators and keys); within one key,
  any of the policy's values may match (OR);
- a key absent from the request context makes a condition false, except for the negated
  operators (StringNotEquals, StringNotLike, ArnNotLike, ...), which are then true, for
  `...IfExists` (true when the key is absent), `Null` (which tests presence) and
  `ForAllValues:` (true when the key is absent or empty);
- without a set qualifier, a positive operator matches when any of the request's values
  matches; a negated one when none does (it is the negation of the positive test);
- `ForAnyValue:` needs at least one request value to pass the (possibly negated) test,
  `ForAllValues:` every request value.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from headwater.iam.patterns import Context, compile_patterns, has_variables, literal_resolver

# Operator -> (family, negated). IfExists and the ForAllValues:/ForAnyValue: qualifiers are
# stripped before the lookup.
OPERATORS: dict[str, tuple[str, bool]] = {
    "StringEquals": ("string", False), "StringNotEquals": ("string", True),
    "StringEqualsIgnoreCase": ("string_ci", False),
    "StringNotEqualsIgnoreCase": ("string_ci", True),
    "StringLike": ("like", False), "StringNotLike": ("like", True),
    "ArnEquals": ("arn", False), "ArnLike": ("arn", False),
    "ArnNotEquals": ("arn", True), "ArnNotLike": ("arn", True),
    "NumericEquals": ("num_eq", False), "NumericNotEquals": ("num_eq", True),
    "NumericLessThan": ("num_lt", False), "NumericLessThanEquals": ("num_le", False),
    "NumericGreaterThan": ("num_gt", False), "NumericGreaterThanEquals": ("num_ge", False),
    "DateEquals": ("date_eq", False), "DateNotEquals": ("date_eq", True),
    "DateLessThan": ("date_lt", False), "DateLessThanEquals": ("date_le", False),
    "DateGreaterThan": ("date_gt", False), "DateGreaterThanEquals": ("date_ge", False),
    "Bool": ("bool", False),
    "BinaryEquals": ("string", False),
    "IpAddress": ("ip", False), "NotIpAddress": ("ip", True),
    "Null": ("null", False),
}
QUALIFIERS = ("ForAllValues:", "ForAnyValue:")

# One request value -> does it match any of the policy's values (the positive test).
Test = Callable[[str, Context], bool]
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "eq": lambda a, b: a == b, "lt": lambda a, b: a < b, "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
}


def split_operator(name: str) -> tuple[str, str | None, bool] | None:
    """(base operator, qualifier 'all'|'any'|None, if_exists) or None when unknown."""
    qualifier = None
    for prefix in QUALIFIERS:
        if name.startswith(prefix):
            qualifier = "all" if prefix == "ForAllValues:" else "any"
            name = name[len(prefix):]
            break
    if_exists = name.endswith("IfExists") and name != "IfExists"
    if if_exists:
        name = name[:-len("IfExists")]
    if name not in OPERATORS or (if_exists and name == "Null"):
        return None
    return name, qualifier, if_exists


def parse_number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return None if math.isnan(number) else number


def parse_date(text: str) -> float | None:
    """Epoch seconds of an ISO 8601 date/time or of an epoch-seconds number."""
    stripped = text.strip()
    if stripped.lstrip("-").isdigit():
        return float(stripped)
    try:
        moment = datetime.fromisoformat(stripped.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _ordered(values: Sequence[str], parse: Callable[[str], float | None],
             relation: str) -> Test:
    bounds = [b for b in (parse(v) for v in values) if b is not None]
    compare = _COMPARE[relation]

    def test(value: str, context: Context) -> bool:
        number = parse(value)
        return number is not None and any(compare(number, bound) for bound in bounds)
    return test


def compile_test(family: str, values: Sequence[str], variables: bool) -> Test:
    """The positive test of one operator family over the policy's values."""
    if family in ("like", "arn"):
        patterns = compile_patterns(values, ignore_case=False, arn=family == "arn",
                                    variables=variables)
        return patterns.matches
    if family in ("string", "string_ci", "bool"):
        fold = family != "string"
        if variables and any(has_variables(v) for v in values):
            resolve = literal_resolver(values, variables)

            def dynamic(value: str, context: Context) -> bool:
                wanted = {v.lower() if fold else v for v in resolve(context)}
                return (value.lower() if fold else value) in wanted
            return dynamic
        wanted = frozenset(v.lower() if fold else v for v in values)
        return lambda value, context: (value.lower() if fold else value) in wanted
    if family.startswith("num_"):
        return _ordered(values, parse_number, family[4:])
    if family.startswith("date_"):
        return _ordered(values, parse_date, family[5:])
    if family == "ip":
        networks = [n for n in (_network(v) for v in values) if n is not None]

        def in_network(value: str, context: Context) -> bool:
            try:
                address = ipaddress.ip_address(value.strip())
            except ValueError:
                return False
            return any(address in network for network in networks)
        return in_network
    raise ValueError(family)


@dataclass(frozen=True, slots=True)
class Condition:
    """One (operator, key) pair of a Condition block."""

    operator: str
    key: str  # lower-cased: condition keys are case-insensitive
    values: tuple[str, ...]
    qualifier: str | None
    if_exists: bool
    negated: bool
    null_check: bool
    test: Test

    def holds(self, context: Context) -> bool:
        present = context.get(self.key)
        if self.null_check:
            absent = not present
            return any((v.lower() == "true") == absent for v in self.values)
        if not present:
            if self.if_exists or self.qualifier == "all":
                return True
            return self.negated and self.qualifier is None
        test = self.test
        if self.qualifier is None:
            hit = any(test(value, context) for value in present)
            return not hit if self.negated else hit
        if self.negated:
            passed = (not test(value, context) for value in present)
        else:
            passed = (test(value, context) for value in present)
        return all(passed) if self.qualifier == "all" else any(passed)


def compile_condition(operator: str, key: str, values: Sequence[str],
                      variables: bool) -> Condition:
    """Compile one operator/key/values triple; the operator must be known (split_operator)."""
    parts = split_operator(operator)
    if parts is None:
        raise ValueError(operator)
    base, qualifier, if_exists = parts
    family, negated = OPERATORS[base]
    null_check = family == "null"
    test: Test = (lambda value, context: False) if null_check else compile_test(
        family, values, variables)
    return Condition(operator, key.lower(), tuple(values), qualifier, if_exists, negated,
                     null_check, test)
