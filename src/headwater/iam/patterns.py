"""IAM's wildcard patterns, compiled once: `*` (any run of characters) and `?` (one character)
in Action/NotAction (case-insensitive), Resource/NotResource and the ArnLike/StringLike
condition operators, plus policy variables (`${aws:username}`, `${*}`, `${?}`, `${$}`,
`${key, 'default'}`) resolved per request against the request context.

IAM user guide, "IAM JSON policy elements: Resource" (wildcards within ARN segments), "IAM
policy elements: Variables and tags" (variables, escapes, defaults; Version 2012-10-17 only).
An ARN pattern with all six colon-separated fields is matched field by field (a `*` in the
region does not reach into the account); a shorter one, such as `arn:aws:dynamodb:*`, is
matched as one string, so its final `*` covers the remaining fields.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

Context = Mapping[str, Sequence[str]]

# ${name} or ${name, 'default'}; the escapes ${*} ${?} ${$} stand for the literal character.
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"\s*([^,]+?)\s*,\s*'([^']*)'\s*")


def _glob(text: str, star: str) -> str:
    """A regex for `text` where `*` and `?` are wildcards and everything else is literal."""
    out = []
    for char in text:
        if char == "*":
            out.append(star)
        elif char == "?":
            out.append("." if star == ".*" else "[^:]")
        else:
            out.append(re.escape(char))
    return "".join(out)


def glob_regex(pattern: str, *, arn: bool) -> str:
    """The regex source matching `pattern`: for a six-field ARN, field by field."""
    if arn:
        fields = pattern.split(":", 5)
        if len(fields) == 6 and fields[0] == "arn":
            head = ":".join(_glob(field, "[^:]*") for field in fields[:5])
            return head + ":" + _glob(fields[5], ".*")
    return _glob(pattern, ".*")


def has_variables(text: str) -> bool:
    return "${" in text


def substitute(text: str, context: Context) -> str | None:
    """`text` with its policy variables replaced by their single context value; a character
    that must stay literal (an escape, or a `*`/`?` inside a value) is preceded by `\x00`.
    None when a variable has no value and no default: the element then matches nothing."""
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        inner = match.group(1)
        if inner in ("*", "?", "$"):
            return "\x00" + inner  # escaped literal, restored below
        default = _DEFAULT.fullmatch(inner)
        name, fallback = (default.group(1), default.group(2)) if default else (inner.strip(),
                                                                               None)
        values = context.get(name.lower())
        if values and len(values) == 1:
            return values[0].replace("*", "\x00*").replace("?", "\x00?")
        if fallback is not None:
            return fallback
        missing = True
        return ""

    result = _VARIABLE.sub(replace, text)
    return None if missing else result


def _glob_escaped(text: str, *, arn: bool) -> str:
    """Like glob_regex, but `\\x00` before a character makes it literal."""
    if "\x00" not in text:
        return glob_regex(text, arn=arn)
    marker = "\x01"
    parts = text.split("\x00")
    # Each part after the first starts with the escaped character.
    rebuilt = parts[0] + "".join(marker + re.escape(part[:1]) + marker + part[1:]
                                 for part in parts[1:])
    # Literal pieces between markers pass through untouched.
    out, literal = [], False
    for piece in rebuilt.split(marker):
        out.append(piece if literal else glob_regex(piece, arn=False))
        literal = not literal
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _compiled(source: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(source, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


@dataclass(frozen=True, slots=True)
class Patterns:
    """A list of patterns (an Action, Resource or condition value list), compiled: exact
    strings in a set, wildcards in one alternation, variable-bearing templates resolved per
    request (and their regexes cached by text)."""

    exact: frozenset[str]
    regex: re.Pattern[str] | None
    templates: tuple[str, ...]
    ignore_case: bool
    arn: bool
    everything: bool

    def matches(self, value: str, context: Context) -> bool:
        if self.everything:
            return True
        probe = value.lower() if self.ignore_case else value
        if probe in self.exact:
            return True
        if self.regex is not None and self.regex.fullmatch(value) is not None:
            return True
        for template in self.templates:
            resolved = substitute(template, context)
            if resolved is None:
                continue
            source = _glob_escaped(resolved, arn=self.arn)
            if _compiled(source, self.ignore_case).fullmatch(value) is not None:
                return True
        return False


def compile_patterns(values: Iterable[str], *, ignore_case: bool, arn: bool,
                     variables: bool) -> Patterns:
    """Compile `values` once. `variables`: the policy is Version 2012-10-17, so `${...}` is a
    policy variable (under 2008-10-17 it is literal text)."""
    exact: set[str] = set()
    wild: list[str] = []
    templates: list[str] = []
    everything = False
    for value in values:
        if variables and has_variables(value):
            templates.append(value)
        elif value == "*":
            everything = True
        elif "*" in value or "?" in value:
            wild.append(glob_regex(value, arn=arn))
        else:
            exact.add(value.lower() if ignore_case else value)
    regex = None
    if wild:
        flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
        regex = re.compile("|".join(f"(?:{source})" for source in wild), flags)
    return Patterns(frozenset(exact), regex, tuple(templates), ignore_case, arn, everything)


def literal_resolver(values: Sequence[str], variables: bool) -> Callable[[Context], list[str]]:
    """For the exact-match condition operators: the policy values with variables resolved
    (escapes give their literal character); a variable without a value drops its entry."""
    def resolve(context: Context) -> list[str]:
        out = []
        for value in values:
            if variables and has_variables(value):
                resolved = substitute(value, context)
                if resolved is not None:
                    out.append(resolved.replace("\x00", ""))
            else:
                out.append(value)
        return out
    return resolve
