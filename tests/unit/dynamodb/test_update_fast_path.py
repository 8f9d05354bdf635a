"""UpdateItem's fast paths at their boundary: the update applied by copy on write leaves the
old item as it was (whatever it shares with the new one), and the new size worked out from
the old stored size and the touched attributes equals a full recomputation, for SET, REMOVE,
ADD and DELETE on top-level and nested paths."""

from __future__ import annotations

import copy
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headwater.dynamodb import items
from headwater.dynamodb.expressions import compile_update
from headwater.dynamodb.item_size import item_size
from headwater.dynamodb.table import Table
from headwater.wire.errors import ValidationException

VALUES: dict[str, Any] = {
    ":n": {"N": "7"},
    ":s": {"S": "hé"},
    ":l": {"L": [{"S": "z"}, {"N": "1"}]},
    ":m": {"M": {"q": {"BOOL": True}}},
    ":ss": {"SS": ["a", "c"]},
    ":ns": {"NS": ["1", "9"]},
}
EXPRESSIONS = [
    "SET a = :n", "SET m.x = :s", "SET m.y.z = :n", "SET l[0] = :m", "SET l[5] = :s",
    "SET l[1].x = :n", "SET m.x = :s, l[0] = :n, a = :l", "SET a = m, m.x = :n",
    "SET m.k = m.x", "SET l = list_append(l, :l)", "SET n = n + :n", "SET a = if_not_exists(a, :m)",
    "REMOVE a", "REMOVE m.x", "REMOVE l[0], l[2]", "REMOVE m.y.z, l[1].x", "REMOVE nothing.here",
    "ADD n :n", "ADD m.c :n", "ADD ss :ss", "ADD ns :ns", "ADD l[0].c :n",
    "DELETE ss :ss", "DELETE ns :ns", "DELETE m.ss :ss",
    "SET m.x = :n REMOVE m.y ADD ss :ss DELETE ns :ns",
]
scalars = st.one_of(
    st.text(max_size=4).map(lambda s: {"S": s}),
    st.integers(-999, 999).map(lambda n: {"N": str(n)}),
    st.booleans().map(lambda b: {"BOOL": b}),
    st.just({"NULL": True}),
    st.just({"SS": ["a", "b"]}),
    st.just({"NS": ["1", "2"]}),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda v: {"L": v}),
        st.dictionaries(st.sampled_from("xyzcs"), inner, max_size=4).map(lambda v: {"M": v}),
    ),
    max_leaves=12,
)
item_strategy = st.dictionaries(st.sampled_from(["a", "m", "l", "n", "ss", "ns", "é"]), values,
                                max_size=6).map(lambda item: {"pk": {"S": "k"}, **item})
TABLE = cast(Table, None)  # items.updated reads nothing of the table


def _compile(expression: str) -> Any:
    used = {name: value for name, value in VALUES.items() if name in expression}
    return compile_update(expression, None, used or None)


@settings(max_examples=150, deadline=None)
@given(item=item_strategy, expression=st.sampled_from(EXPRESSIONS))
def test_sized_update_matches_a_full_recomputation(item: dict[str, Any], expression: str
                                                   ) -> None:
    before = copy.deepcopy(item)
    update = _compile(expression)
    try:
        new, size = items.updated(TABLE, update, item, {"pk": item["pk"]}, item_size(item))
    except ValidationException as raised:
        with pytest.raises(ValidationException) as full:
            items.updated(TABLE, update, item, {"pk": item["pk"]})
        assert full.value.message == raised.message
        assert item == before
        return
    assert item == before  # the old item is untouched
    assert new is not None
    assert size == item_size(new)
    assert items.updated(TABLE, update, item, {"pk": item["pk"]}) == (new, size)


def test_nested_writes_copy_only_the_written_branch() -> None:
    item = {"pk": {"S": "k"}, "m": {"M": {"x": {"N": "1"}, "deep": {"M": {"y": {"N": "2"}}}}},
            "other": {"M": {"keep": {"S": "v"}}}}
    new, _ = _compile("SET m.deep.y = :n").apply(item)
    assert new["other"] is item["other"]  # untouched attributes are shared, not copied
    assert new["m"] is not item["m"] and new["m"]["M"]["deep"] is not item["m"]["M"]["deep"]
    assert item["m"]["M"]["deep"]["M"]["y"] == {"N": "2"}
    assert new["m"]["M"]["deep"]["M"]["y"] == {"N": "7"}


def test_sized_update_over_the_limit_is_refused() -> None:
    item = {"pk": {"S": "k"}, "a": {"S": "x" * 300_000}}
    update = compile_update("SET b = a", None, None)
    with pytest.raises(ValidationException) as raised:
        items.updated(TABLE, update, item, {"pk": item["pk"]}, item_size(item))
    assert raised.value.message == items.UPDATE_TOO_BIG
