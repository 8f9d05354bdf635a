"""Helpers of the S3 tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_of(call: Callable[..., Any], **kwargs: Any) -> dict[str, Any]:
    """The error response of a call that must fail."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response: dict[str, Any] = caught.value.response
    return response
