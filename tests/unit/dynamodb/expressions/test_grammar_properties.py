"""Properties of the grammar: generated condition trees evaluate like a direct Python
evaluation, and any text either parses or fails with a ValidationException."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from headwater.dynamodb.expressions import (
    compile_condition,
    compile_projection,
    compile_update,
)
from headwater.wire.errors import ValidationException

ATTRIBUTES = ["a", "b", "c"]
NUMBERS = [Decimal(n) for n in ("-1", "0", "1.5", "2", "10")]
COMPARATORS = {
    "=": lambda x, y: x == y,
    "<>": lambda x, y: x != y,
    "<": lambda x, y: x < y,
    "<=": lambda x, y: x <= y,
    ">": lambda x, y: x > y,
    ">=": lambda x, y: x >= y,
}


def comparisons() -> st.SearchStrategy:
    return st.tuples(
        st.sampled_from(ATTRIBUTES), st.sampled_from(list(COMPARATORS)), st.sampled_from(NUMBERS)
    ).map(lambda t: ("cmp", *t))


trees = st.recursive(
    comparisons()
    | st.sampled_from(ATTRIBUTES).map(lambda a: ("exists", a))
    | st.tuples(st.sampled_from(ATTRIBUTES), st.sampled_from(NUMBERS), st.sampled_from(NUMBERS))
    .filter(lambda t: t[1] <= t[2])
    .map(lambda t: ("between", *t)),
    lambda children: st.one_of(
        st.tuples(st.just("and"), children, children),
        st.tuples(st.just("or"), children, children),
        st.tuples(st.just("not"), children),
    ),
    max_leaves=8,
)


def render(tree: tuple, values: dict) -> str:
    """Fully parenthesised text; values get one placeholder per distinct number."""

    def value(number: Decimal) -> str:
        name = f":v{NUMBERS.index(number)}"
        values[name] = {"N": str(number)}
        return name

    kind = tree[0]
    if kind == "cmp":
        return f"{tree[1]} {tree[2]} {value(tree[3])}"
    if kind == "exists":
        return f"attribute_exists({tree[1]})"
    if kind == "between":
        return f"{tree[1]} BETWEEN {value(tree[2])} AND {value(tree[3])}"
    if kind == "not":
        return f"NOT ({render(tree[1], values)})"
    return f"({render(tree[1], values)}) {kind.upper()} ({render(tree[2], values)})"


def expected(tree: tuple, item: dict) -> bool:
    kind = tree[0]
    if kind == "cmp":
        present = tree[1] in item
        if not present:
            return tree[2] == "<>"
        return COMPARATORS[tree[2]](item[tree[1]], tree[3])
    if kind == "exists":
        return tree[1] in item
    if kind == "between":
        return tree[1] in item and tree[2] <= item[tree[1]] <= tree[3]
    if kind == "not":
        return not expected(tree[1], item)
    if kind == "and":
        return expected(tree[1], item) and expected(tree[2], item)
    return expected(tree[1], item) or expected(tree[2], item)


items = st.dictionaries(st.sampled_from(ATTRIBUTES), st.sampled_from(NUMBERS))


@settings(max_examples=300, deadline=None)
@given(trees, items)
def test_generated_conditions_evaluate_like_python(tree: tuple, item: dict) -> None:
    values: dict = {}
    text = render(tree, values)
    wire = {name: {"N": str(number)} for name, number in item.items()}
    assert compile_condition(text, None, values).evaluate(wire) is expected(tree, item)


def test_precedence_matches_python_without_parentheses() -> None:
    values = {":t": {"N": "1"}, ":f": {"N": "0"}}
    item = {"x": {"N": "1"}}
    for p in (True, False):
        for q in (True, False):
            for r in (True, False):
                atoms = [f"x = {':t' if v else ':f'}" for v in (p, q, r)]
                text = f"NOT {atoms[0]} OR {atoms[1]} AND {atoms[2]}"
                holds = compile_condition(text, None, values).evaluate(item)
                assert holds is ((not p) or (q and r))


ALPHABET = "ab#:v0 1()[].,=<>+-ANDORNTSETREMOVEADDELsizecontains_"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40) | st.text(max_size=20))
def test_any_text_parses_or_raises_validation_exception(text: str) -> None:
    names = {"#a": "a"}
    values = {":v": {"N": "1"}, ":v0": {"S": "x"}}
    for compile_ in (
        lambda: compile_condition(text, names, values),
        lambda: compile_condition(text, names, values, "KeyConditionExpression"),
        lambda: compile_update(text, names, values).apply({"a": {"N": "1"}}),
        lambda: compile_projection(text, names).apply({"a": {"N": "1"}}),
    ):
        try:
            compile_()
        except ValidationException:
            pass
