"""Helpers shared by the PartiQL API tests: running statements, asserting AWS errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def run(ddb: Any, statement: str, *parameters: Any, **kwargs: Any) -> dict[str, Any]:
    if parameters:
        kwargs["Parameters"] = list(parameters)
    response: dict[str, Any] = ddb.execute_statement(Statement=statement, **kwargs)
    return response


def error_of(call: Callable[[], Any]) -> dict[str, Any]:
    """Call, expecting a ClientError; returns its parsed error response."""
    with pytest.raises(ClientError) as caught:
        call()
    response: dict[str, Any] = caught.value.response
    return response


def assert_error(call: Callable[[], Any], code: str, message: str | None = None,
                 status: int = 400) -> dict[str, Any]:
    response = error_of(call)
    assert response["Error"]["Code"] == code, response
    if message is not None:
        assert response["Error"]["Message"] == message, response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    return response


def S(text: str) -> dict[str, str]:
    return {"S": text}


def N(number: int | str) -> dict[str, str]:
    return {"N": str(number)}
