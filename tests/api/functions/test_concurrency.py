"""Put/Get/DeleteFunctionConcurrency and throttling (aws-facts §5.4)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError
from functions_support import Factory
from test_function_api import error

SLOW = "import time\ndef handler(e, c):\n    time.sleep(e.get('sleep', 0))\n    return 'ok'\n"


def test_put_get_delete_concurrency(lambda_: Any, make_function: Factory) -> None:
    name = make_function()
    assert "ReservedConcurrentExecutions" not in lambda_.get_function_concurrency(FunctionName=name)
    put = lambda_.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=5)
    assert put["ReservedConcurrentExecutions"] == 5
    assert lambda_.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 5
    assert lambda_.get_function(FunctionName=name)["Concurrency"] == {
        "ReservedConcurrentExecutions": 5}
    deleted = lambda_.delete_function_concurrency(FunctionName=name)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert "ReservedConcurrentExecutions" not in lambda_.get_function_concurrency(FunctionName=name)
    with pytest.raises(ClientError) as excinfo:
        lambda_.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=901)
    assert error(excinfo) == (400, "InvalidParameterValueException", "Specified "
                              "ReservedConcurrentExecutions for function decreases account's "
                              "UnreservedConcurrentExecution below its minimum value of [100].")
    with pytest.raises(ClientError) as excinfo:
        lambda_.get_function_concurrency(FunctionName="missing-fn")
    assert error(excinfo)[:2] == (404, "ResourceNotFoundException")


def test_reserved_zero_throttles_everything(lambda_: Any, make_function: Factory) -> None:
    name = make_function()
    lambda_.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError) as excinfo:
        lambda_.invoke(FunctionName=name, Payload=b"{}")
    assert error(excinfo) == (429, "TooManyRequestsException", "Rate Exceeded.")
    assert excinfo.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"


def test_invocations_beyond_reserved_concurrency_are_throttled(lambda_: Any,
                                                               make_function: Factory) -> None:
    name = make_function(SLOW, Timeout=10)
    lambda_.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=2)

    def attempt(_: int) -> str:
        try:
            lambda_.invoke(FunctionName=name, Payload=b'{"sleep": 1.0}')
            return "ok"
        except ClientError as failure:
            return str(failure.response["Error"]["Code"])

    with ThreadPoolExecutor(4) as pool:
        outcomes = sorted(pool.map(attempt, range(4)))
    assert outcomes == ["TooManyRequestsException", "TooManyRequestsException", "ok", "ok"]
    assert lambda_.invoke(FunctionName=name, Payload=b"{}")["StatusCode"] == 200
