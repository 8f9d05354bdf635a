"""GetObject's Range header (RFC 7233 single byte ranges, as S3 serves them): a range S3
cannot parse is ignored (the whole object is sent); one that starts past the end is
InvalidRange (416)."""

from __future__ import annotations

import re

from headwater.s3.errors import InvalidRange

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive byte positions, or None for the whole object."""
    if not header:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None or not (match[1] or match[2]):
        return None
    if not match[1]:  # a suffix: the last N bytes
        count = int(match[2])
        if count == 0:
            raise _unsatisfiable(header, size)
        return max(size - count, 0), size - 1
    first = int(match[1])
    if first >= size:
        raise _unsatisfiable(header, size)
    last = int(match[2]) if match[2] else size - 1
    if last < first:
        return None
    return first, min(last, size - 1)


def _unsatisfiable(header: str, size: int) -> InvalidRange:
    return InvalidRange("The requested range is not satisfiable", RangeRequested=header,
                        ActualObjectSize=size)
