"""Request timestamps as epoch seconds, whichever form the protocol decoded them to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from headwater.cloudwatch.errors import InvalidParameterValueException


def epoch(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, int | float):
        return float(value)
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise InvalidParameterValueException(f"Invalid timestamp: {value}") from None
