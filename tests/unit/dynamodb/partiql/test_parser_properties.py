"""Properties of the PartiQL parser: generated well-formed statements parse to the statement
they describe; arbitrary text never raises anything but ValidationException."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as strategies

from headwater.dynamodb.partiql import statements as st
from headwater.dynamodb.partiql.parser import parse
from headwater.wire.errors import ValidationException

KEYWORDS = {
    "select", "from", "where", "insert", "into", "value", "update", "set", "remove", "delete",
    "exists", "returning", "all", "modified", "old", "new", "or", "and", "not", "between", "in",
    "is", "missing", "null", "true", "false", "order", "by", "asc", "desc",
}

names = strategies.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda n: n not in KEYWORDS)
quoted = strategies.text(
    strategies.characters(blacklist_categories=("Cs",), blacklist_characters='"'),
    min_size=1, max_size=8).map(lambda n: '"' + n + '"')
identifiers = strategies.one_of(names, quoted)
paths = strategies.builds(
    lambda head, rest: head + "".join(rest), identifiers,
    strategies.lists(strategies.one_of(names.map(lambda n: "." + n),
                                       strategies.integers(0, 99).map(lambda i: f"[{i}]")),
                     max_size=3))
strings = strategies.text(
    strategies.characters(blacklist_categories=("Cs",)), max_size=10).map(
    lambda s: "'" + s.replace("'", "''") + "'")
numbers = strategies.one_of(
    strategies.integers(-10**12, 10**12).map(str),
    strategies.decimals(min_value=-10**6, max_value=10**6, allow_nan=False, places=3).map(str))
scalars = strategies.one_of(
    strings, numbers, strategies.sampled_from(["true", "false", "null", "?"]))
values = strategies.recursive(
    scalars,
    lambda inner: strategies.one_of(
        strategies.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        strategies.dictionaries(strings, inner, max_size=3).map(
            lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"),
    ),
    max_leaves=6)
comparators = strategies.sampled_from(["=", "<>", "!=", "<", "<=", ">", ">="])
predicates = strategies.one_of(
    strategies.builds(lambda p, op, v: f"{p} {op} {v}", paths, comparators, scalars),
    strategies.builds(lambda p, a, b: f"{p} BETWEEN {a} AND {b}", paths, numbers, numbers),
    strategies.builds(lambda p, vs: f"{p} IN [{', '.join(vs)}]", paths,
                      strategies.lists(scalars, min_size=1, max_size=3)),
    strategies.builds(lambda p, n: f"{p} IS {n}MISSING", paths,
                      strategies.sampled_from(["", "NOT "])),
    strategies.builds(lambda p, v: f"begins_with({p}, {v})", paths, strings),
    strategies.builds(lambda p, v: f"contains({p}, {v})", paths, scalars),
    strategies.builds(lambda p, v: f"size({p}) > {v}", paths, numbers),
)
conditions = strategies.recursive(
    predicates,
    lambda inner: strategies.one_of(
        strategies.builds(lambda a, b: f"{a} AND {b}", inner, inner),
        strategies.builds(lambda a, b: f"({a} OR {b})", inner, inner),
        inner.map(lambda a: f"NOT {a}"),
    ),
    max_leaves=5)
projections = strategies.one_of(
    strategies.just("*"), strategies.lists(paths, min_size=1, max_size=3).map(", ".join))
orderings = strategies.lists(
    strategies.builds(lambda n, d: n + d, names, strategies.sampled_from(["", " ASC", " DESC"])),
    min_size=1, max_size=2).map(lambda terms: " ORDER BY " + ", ".join(terms))
selects = strategies.builds(
    lambda cols, table, index, where, order: f"SELECT {cols} FROM {table}{index}"
    + (f" WHERE {where}{order}" if where else ""),
    projections, identifiers, strategies.one_of(strategies.just(""), quoted.map(lambda q: "." + q)),
    strategies.one_of(strategies.none(), conditions),
    strategies.one_of(strategies.just(""), orderings))
inserts = strategies.builds(
    lambda table, members: f"INSERT INTO {table} VALUE {{" + ", ".join(
        f"{k}: {v}" for k, v in members.items()) + "}",
    identifiers, strategies.dictionaries(strings, values, max_size=4))
updates = strategies.builds(
    lambda table, sets, where: f"UPDATE {table} " + " ".join(
        f"SET {p} = {v}" for p, v in sets) + f" WHERE {where}",
    identifiers, strategies.lists(strategies.tuples(paths, values), min_size=1, max_size=3),
    conditions)
deletes = strategies.builds(lambda table, where: f"DELETE FROM {table} WHERE {where}",
                            identifiers, conditions)


@settings(max_examples=300, deadline=None)
@given(strategies.one_of(selects, inserts, updates, deletes))
def test_well_formed_statements_parse(text: str) -> None:
    try:
        parsed = parse(text)
    except ValidationException as error:
        # Literal-level rules (duplicate struct keys, number range) may still reject the text.
        assert not error.message.startswith("Statement wasn't well formed"), (text, error)
        return
    kind = text.split(" ", 1)[0]
    expected = {"SELECT": st.Select, "INSERT": st.Insert, "UPDATE": st.Update,
                "DELETE": st.Delete}[kind]
    assert isinstance(parsed.statement, expected)
    assert parsed.parameters == text.count("?") - _question_marks_in_text(text)


def _question_marks_in_text(text: str) -> int:
    """`?` inside quoted strings or names are not parameters."""
    count, quote = 0, None
    for char in text:
        if quote:
            if char == quote:
                quote = None
            elif char == "?":
                count += 1
        elif char in "'\"":
            quote = char
    return count


alphabet = strategies.sampled_from(list(
    "SELECT*FROMWHEREINSERTUPDATEDELETEVALUESETREMOVE abc?'\"<>=!()[]{}.,:;-+/0123456789\n"))


@settings(max_examples=500, deadline=None)
@given(strategies.one_of(strategies.text(max_size=60), strategies.text(alphabet, max_size=60)))
def test_arbitrary_text_raises_only_validation_exception(text: str) -> None:
    try:
        parse(text)
    except ValidationException:
        pass
