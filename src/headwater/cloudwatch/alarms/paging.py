"""NextToken paging for the alarm listings: the token is the offset of the next item."""

from __future__ import annotations

from typing import Any, TypeVar

from headwater.cloudwatch.errors import InvalidNextToken, InvalidParameterValueException

T = TypeVar("T")


def page(items: list[T], request: dict[str, Any], default: int, most: int
         ) -> tuple[list[T], str | None]:
    size = request.get("MaxRecords") or default
    if not 1 <= size <= most:
        raise InvalidParameterValueException(
            f"The parameter MaxRecords must be between 1 and {most}.")
    start = 0
    if request.get("NextToken"):
        try:
            start = int(request["NextToken"])
        except ValueError:
            raise InvalidNextToken("The service couldn't process the NextToken.") from None
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)
