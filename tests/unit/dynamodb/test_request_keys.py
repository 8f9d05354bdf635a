"""dynamodb/request_keys.py: the one-pass Key check gives exactly what items.key_from_request
gives (the normalised key, its bytes) or raises exactly its error, for keys well formed or not."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headwater.dynamodb import items, request_keys
from headwater.dynamodb.table import Table
from headwater.wire.errors import AwsError


def _table(hash_type: str, range_type: str | None) -> Table:
    schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
    definitions = [{"AttributeName": "pk", "AttributeType": hash_type}]
    if range_type is not None:
        schema.append({"AttributeName": "sk", "KeyType": "RANGE"})
        definitions.append({"AttributeName": "sk", "AttributeType": range_type})
    return Table(1, "000000000000", "us-east-1", "keys",
                 {"KeySchema": schema, "AttributeDefinitions": definitions})


TABLES = [_table(h, r) for h in ("S", "N", "B") for r in (None, "S", "N", "B")]


def _outcome(check: Any, table: Table, key: Any) -> tuple[str, Any]:
    try:
        return "ok", check(table, key)
    except (AwsError, UnicodeEncodeError) as error:
        return type(error).__name__, getattr(error, "message", str(error))


def _same(table: Table, key: Any) -> None:
    assert (_outcome(request_keys.key_from_request, table, key)
            == _outcome(items.key_from_request, table, key))


scalars = st.one_of(
    st.text(max_size=5), st.sampled_from(["", "x" * 1025, "x" * 2049, "\ud800", "é" * 700]),
    st.sampled_from(["1", "1.50", "-0", "0.0", "1e3", "1E126", "1e-131", "abc", "", " 1",
                     "1" * 39, "-12.340E-2"]),
    st.binary(max_size=4).map(lambda b: base64.b64encode(b).decode()),
    st.sampled_from(["AB==", "A", "!!!!", "QQ==", "QR==", base64.b64encode(b"x" * 1025).decode()]),
    st.integers(), st.none(), st.booleans(), st.lists(st.text(max_size=2), max_size=2))
values = st.one_of(
    st.dictionaries(st.sampled_from(["S", "N", "B", "SS", "NULL", "M", "X"]), scalars,
                    max_size=2),
    st.text(max_size=2), st.integers(), st.none(), st.lists(st.integers(), max_size=1))
keys = st.dictionaries(st.sampled_from(["pk", "sk", "other"]), values, max_size=3)


@settings(max_examples=400)
@given(st.sampled_from(TABLES), keys)
def test_any_key_gives_what_the_general_path_gives(table: Table, key: dict[str, Any]) -> None:
    _same(table, key)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: f"{t.hash_type}-{t.range_type}")
@pytest.mark.parametrize("hash_value,range_value", [
    ({"S": "a"}, {"S": "b"}), ({"N": "1.50"}, {"N": "-0"}), ({"N": "7"}, {"N": "1e2"}),
    ({"B": "AAE="}, {"B": "/w=="}), ({"S": "é"}, {"N": "1"}), ({"S": ""}, {"S": "x"}),
    ({"S": "x" * 2049}, {"S": "x" * 1025}), ({"S": "x" * 2048}, {"S": "x" * 1024}),
    ({"B": "AB=="}, {"B": "QQ=="}), ({"N": "1e126"}, {"N": "abc"}),
])
def test_well_formed_and_boundary_keys(table: Table, hash_value: dict[str, str],
                                       range_value: dict[str, str]) -> None:
    key = {"pk": hash_value}
    if table.range_name is not None:
        key["sk"] = range_value
    _same(table, key)
    _same(table, {**key, "extra": {"S": "x"}})
    # Either order of the members: errors follow the request's order in the general path.
    _same(table, dict(reversed(list(key.items()))))


def test_a_number_key_is_normalised_and_the_request_left_alone() -> None:
    table = _table("N", "S")
    key = {"pk": {"N": "01.50"}, "sk": {"S": "a"}}
    normalised, encoded = request_keys.key_from_request(table, key)
    assert normalised == {"pk": {"N": "1.5"}, "sk": {"S": "a"}}
    assert key == {"pk": {"N": "01.50"}, "sk": {"S": "a"}}
    assert encoded == items.key_from_request(table, {"pk": {"N": "1.5"}, "sk": {"S": "a"}})[1]
