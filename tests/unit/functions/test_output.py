"""The output splitter: however the worker's output is chunked, segments end at each MARKER
and keep their first and last 512 KiB, with a note of what was dropped."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from headwater.functions.output import HEAD_BYTES, MARKER, TAIL_BYTES, OutputSplitter


def _feed(stream: bytes, cuts: list[int]) -> tuple[list[bytes], bytes]:
    splitter = OutputSplitter()
    at = 0
    for cut in sorted(cuts):
        splitter.feed(stream[at:cut])
        at = cut
    splitter.feed(stream[at:])
    splitter.close()
    finished = [splitter.take() for _ in range(len(splitter.finished))]
    return finished, splitter.take()


@given(st.lists(st.binary(max_size=40), max_size=6), st.binary(max_size=40),
       st.lists(st.integers(min_value=0, max_value=400), max_size=12))
def test_segments_end_at_markers_however_the_output_is_chunked(
        parts: list[bytes], rest: bytes, cuts: list[int]) -> None:
    parts = [part.replace(b"\x1e", b"") for part in parts]
    rest = rest.replace(b"\x1e", b"")
    stream = b"".join(part + MARKER for part in parts) + rest
    finished, current = _feed(stream, [min(cut, len(stream)) for cut in cuts])
    assert finished == parts[-16:]
    assert current == rest


def test_a_long_segment_keeps_its_head_and_tail() -> None:
    splitter = OutputSplitter()
    body = b"h" * HEAD_BYTES + b"m" * 3_000_000 + b"t" * TAIL_BYTES
    for at in range(0, len(body), 65536):
        splitter.feed(body[at:at + 65536])
    splitter.feed(MARKER)
    kept = splitter.take()
    note = (b"\n[Headwater dropped 3000000 bytes of this invocation's output: it keeps the first "
            b"524288 and the last 524288]\n")
    assert kept == b"h" * HEAD_BYTES + note + b"t" * TAIL_BYTES
