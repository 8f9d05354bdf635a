"""IAM's list paging: `MaxItems` (1-1000, default 100) and `Marker`; a truncated answer has
`IsTruncated` true and the `Marker` to continue from (here: the last name returned)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
DEFAULT_ITEMS = 100


def limit(request: dict[str, Any]) -> int:
    return int(request.get("MaxItems") or DEFAULT_ITEMS)


def page(items: Sequence[T], request: dict[str, Any], key: Callable[[T], str]
         ) -> tuple[list[T], dict[str, Any]]:
    """The items after the request's Marker, at most MaxItems of them, and the paging members
    of the response."""
    marker = request.get("Marker")
    if marker:
        items = [item for item in items if key(item).lower() > marker.lower()]
    most = limit(request)
    chosen = list(items[:most])
    if len(items) > most:
        return chosen, {"IsTruncated": True, "Marker": key(chosen[-1])}
    return chosen, {"IsTruncated": False}
