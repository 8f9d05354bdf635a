"""Timestamps as AWS writes them in invocation records: ISO 8601, UTC, milliseconds."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_millis(moment: float) -> str:
    stamp = datetime.fromtimestamp(moment, UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"
