"""connection._headers (the head's headers, built once the head is complete) against the
per-header rule it replaced: names lower-cased, repeats joined with commas in the order sent,
whether the names were seen before (the cache) or not."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from headwater.http import connection


def _one_by_one(pairs: list[tuple[bytes, bytes]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in pairs:
        key = name.decode("latin-1").lower()
        previous = headers.get(key)
        text = value.decode("latin-1")
        headers[key] = text if previous is None else f"{previous},{text}"
    return headers


NAMES = st.sampled_from([b"Host", b"host", b"HOST", b"X-Amz-Target", b"x-amz-target",
                         b"Content-Length", b"\xc4-Caf\xe9", b"a" * 70, b"X"])
VALUES = st.binary(max_size=20).filter(lambda value: b"\r" not in value and b"\n" not in value)


@given(st.lists(st.tuples(NAMES | st.binary(min_size=1, max_size=8), VALUES), max_size=8))
def test_headers_as_one_by_one(pairs: list[tuple[bytes, bytes]]) -> None:
    expected = _one_by_one(pairs)
    assert connection._headers(pairs) == expected  # names maybe new
    assert connection._headers(pairs) == expected  # names now cached (those up to 64 bytes)
    assert list(connection._headers(pairs)) == list(expected)


def test_repeats_join_in_order_across_cases() -> None:
    pairs = [(b"Accept", b"a"), (b"X-Amz-Target", b"DynamoDB_20120810.GetItem"),
             (b"accept", b"b"), (b"ACCEPT", b"c")]
    connection._headers(pairs)
    assert connection._headers(pairs) == {
        "accept": "a,b,c", "x-amz-target": "DynamoDB_20120810.GetItem"}
    assert connection._headers([]) == {}
