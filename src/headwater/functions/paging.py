"""Marker/MaxItems pagination for Lambda's List operations: the marker is an opaque offset."""

from __future__ import annotations

import base64
from typing import Any

from headwater.functions.errors import InvalidParameterValueException

PAGE_LIMIT = 50


def page(items: list[Any], request: dict[str, Any], key: str) -> dict[str, Any]:
    start = 0
    marker = request.get("Marker")
    if marker:
        try:
            start = int(base64.urlsafe_b64decode(marker.encode()).decode())
        except (ValueError, UnicodeDecodeError):
            raise InvalidParameterValueException("Invalid marker value.")
    size = min(int(request.get("MaxItems") or PAGE_LIMIT), PAGE_LIMIT)
    result: dict[str, Any] = {key: items[start:start + size]}
    if start + size < len(items):
        result["NextMarker"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
    return result
