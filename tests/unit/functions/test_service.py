"""Every registered operation exists in its botocore model, and every Lambda route compiles."""

from __future__ import annotations

from headwater.core.authority import OPEN
from headwater.functions.service import OPERATIONS
from headwater.logs.service import OPERATIONS as LOGS
from headwater.services import lambda_service
from headwater.wire.models import service_model


def test_operation_names_match_the_models() -> None:
    assert set(OPERATIONS) <= set(service_model("lambda").operation_names)
    assert set(LOGS) <= set(service_model("logs").operation_names)
    assert list(OPERATIONS) == sorted(OPERATIONS)


def test_routes_resolve() -> None:
    service = lambda_service(OPEN)
    route, params = service.match("POST", "/2015-03-31/functions/fn%3Alive/invocations") or (None, {})
    assert route is not None and route.name == "Invoke" and params == {"FunctionName": "fn:live"}
    assert service.match("PUT", "/2017-10-31/functions/fn/concurrency")[0].name == (  # type: ignore[index]
        "PutFunctionConcurrency")
    assert service.match("GET", "/2019-09-30/functions/fn/concurrency")[0].name == (  # type: ignore[index]
        "GetFunctionConcurrency")
    assert service.match("GET", "/2015-03-31/functions/")[0].name == "ListFunctions"  # type: ignore[index]
    assert service.match("PATCH", "/2015-03-31/functions") is None
