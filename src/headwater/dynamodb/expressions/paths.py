"""Document paths over wire items: read, write and remove inside nested M and L values.

Writers work in place on an item the caller has already copied.
"""

from __future__ import annotations

from collections.abc import Sequence

from headwater.dynamodb.expressions.ast import AttributeValue, Item
from headwater.wire.errors import ValidationException

INVALID_FOR_UPDATE = "The document path provided in the update expression is invalid for update"

Elements = Sequence[str | int]
_OVERLAP = "Two document paths overlap with each other"


def get(item: Item | None, elements: Elements) -> AttributeValue | None:
    """The value at `elements`, or None when any step is missing or of the wrong type."""
    if item is None or not elements:
        return None
    head = elements[0]
    if not isinstance(head, str):
        return None
    current = item.get(head)
    for element in elements[1:]:
        if current is None:
            return None
        if isinstance(element, int):
            items = current.get("L")
            if items is None or element >= len(items):
                return None
            current = items[element]
        else:
            members = current.get("M")
            if members is None:
                return None
            current = members.get(element)
    return current


def _container(item: Item, elements: Elements) -> dict[str, AttributeValue] | list[AttributeValue]:
    """The M members dict or L list that holds the last element of `elements`."""
    if len(elements) == 1:
        return item
    parent = get(item, elements[:-1])
    last = elements[-1]
    if parent is not None and isinstance(last, int) and "L" in parent:
        result: list[AttributeValue] = parent["L"]
        return result
    if parent is not None and isinstance(last, str) and "M" in parent:
        members: dict[str, AttributeValue] = parent["M"]
        return members
    raise ValidationException(INVALID_FOR_UPDATE)


def set_value(item: Item, elements: Elements, value: AttributeValue) -> None:
    """Write `value`; a list index past the end appends."""
    container = _container(item, elements)
    last = elements[-1]
    if isinstance(container, list):
        assert isinstance(last, int)
        if last >= len(container):
            container.append(value)
        else:
            container[last] = value
    else:
        assert isinstance(last, str)
        container[last] = value


def remove(item: Item, elements: Elements) -> None:
    """Remove the value; removing something absent does nothing."""
    container = _container(item, elements)
    last = elements[-1]
    if isinstance(container, list):
        assert isinstance(last, int)
        if last < len(container):
            del container[last]
    else:
        assert isinstance(last, str)
        container.pop(last, None)


def first_clash(paths: Sequence[Sequence[str | int]]) -> str | None:
    """AWS's message for the first overlapping pair in source order, else the first conflict.

    AWS reports an overlap ([a] and [a, b]) even when a conflict ([a, [1]] and [a, b]) comes
    earlier in the expression (dynalite test/updateItem.js, recorded against AWS).
    """
    seen: list[Sequence[str | int]] = []
    conflict: str | None = None
    for path in paths:
        for earlier in seen:
            message = _clash(earlier, path)
            if message and message.startswith(_OVERLAP):
                return message
            conflict = conflict or message
        seen.append(path)
    return conflict


def render(path: Sequence[str | int]) -> str:
    return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in path) + "]"


def _clash(one: Sequence[str | int], two: Sequence[str | int]) -> str | None:
    for a, b in zip(one, two, strict=False):
        if isinstance(a, int) != isinstance(b, int):
            return (
                "Two document paths conflict with each other; must remove or rewrite one of "
                f"these paths; path one: {render(one)}, path two: {render(two)}"
            )
        if a != b:
            return None
    return (
        f"{_OVERLAP}; must remove or rewrite one of these paths; path one: {render(one)}, "
        f"path two: {render(two)}"
    )
