"""Helpers for the SQS and SNS API tests: the error dict of a failing call. (Their private
servers, clients and clocks come from tests/server_support.py.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_of(call: Callable[[], Any]) -> dict[str, Any]:
    """The botocore error dict (plus HTTP status and the raw query-error header) of a call
    expected to fail."""
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    headers = response["ResponseMetadata"].get("HTTPHeaders", {})
    return {**response["Error"], "Status": response["ResponseMetadata"]["HTTPStatusCode"],
            "QueryError": headers.get("x-amzn-query-error")}
