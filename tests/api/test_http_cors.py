"""CORS as DynamoDB's endpoint answers it (cors.py), so that browser SDKs can call the port: the
preflight, the headers on answers to a page of another origin, nothing without an Origin; and
under --credentials, a preflight needs no signature while a refusal stays readable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import urllib3
from server_support import Server, serving, serving_with_credentials

EXPOSE = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"
CORS = ("access-control-allow-origin", "access-control-expose-headers",
        "access-control-allow-methods", "access-control-allow-headers",
        "access-control-max-age", "access-control-allow-credentials")
ORIGIN = {"Origin": "http://localhost:3000"}
LIST_TABLES = {"Content-Type": "application/x-amz-json-1.0",
               "X-Amz-Target": "DynamoDB_20120810.ListTables"}
HTTP = urllib3.PoolManager(retries=False)


@pytest.fixture(scope="module")
def own_server() -> Iterator[Server]:
    yield from serving("--in-memory")


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serving_with_credentials(
        tmp_path_factory.mktemp("cors"),
        "[a]\naws_access_key_id = AKIDA\naws_secret_access_key = secret\n")


def _request(server: Server, method: str, path: str = "/", body: bytes | None = None,
             **headers: str) -> urllib3.BaseHTTPResponse:
    return HTTP.request(method, server.url + path, body=body, headers=headers)


def test_preflight_echoes_what_the_browser_asks_for(own_server: Server) -> None:
    response = _request(own_server, "OPTIONS", **ORIGIN, **{
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-amz-date,x-amz-target"})
    assert (response.status, response.data) == (200, b"")
    headers = response.headers
    assert headers["access-control-allow-origin"] == "*"
    assert headers["access-control-allow-methods"] == "POST"
    assert headers["access-control-allow-headers"] == (
        "authorization,content-type,x-amz-date,x-amz-target")
    assert headers["access-control-max-age"] == "172800"
    assert headers["access-control-expose-headers"] == EXPOSE
    assert headers["content-length"] == "0"
    assert headers["x-amzn-requestid"]


def test_preflight_without_requested_method_or_headers_allows_only_the_origin(
        own_server: Server) -> None:
    response = _request(own_server, "OPTIONS", **ORIGIN)
    assert response.status == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-methods" not in response.headers
    assert "access-control-allow-headers" not in response.headers


def test_options_without_origin_is_no_preflight(own_server: Server) -> None:
    response = _request(own_server, "OPTIONS", **{"Access-Control-Request-Method": "POST"})
    # DynamoDB's answer to any method but GET and POST (dynalite, recorded).
    assert (response.status, response.data) == (404, b"<UnknownOperationException/>\n")
    assert not any(name in response.headers for name in CORS)


def test_answer_to_another_origin_can_be_read_by_it(own_server: Server) -> None:
    response = _request(own_server, "POST", body=b"{}", **ORIGIN, **LIST_TABLES)
    assert response.status == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-expose-headers"] == EXPOSE
    # Only the preflight has these.
    for name in ("access-control-max-age", "access-control-allow-methods",
                 "access-control-allow-headers"):
        assert name not in response.headers


def test_answer_without_origin_has_no_cors_headers(own_server: Server) -> None:
    response = _request(own_server, "POST", body=b"{}", **LIST_TABLES)
    assert response.status == 200
    assert not any(name in response.headers for name in CORS)


def test_answer_that_comes_later_carries_the_headers_too(own_server: Server) -> None:
    # The query protocol answers from a task (the awaited path).
    response = _request(own_server, "POST", body=b"Action=ListQueues&Version=2012-11-05",
                        **ORIGIN, **{"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 200
    assert b"ListQueuesResponse" in response.data
    assert response.headers["access-control-allow-origin"] == "*"


def test_lambda_exposes_its_function_error_and_log_headers(own_server: Server) -> None:
    response = _request(own_server, "GET", "/2015-03-31/functions/", **ORIGIN)
    assert response.status == 200
    assert response.headers["access-control-expose-headers"] == (
        EXPOSE + ",x-amz-log-result,x-amz-function-error")


def test_preflight_needs_no_signature_under_credentials(secured: Server) -> None:
    response = _request(secured, "OPTIONS", **ORIGIN, **{
        "Access-Control-Request-Method": "POST"})
    assert (response.status, response.headers["access-control-allow-methods"]) == (200, "POST")


def test_refusal_of_an_unsigned_call_stays_readable_by_the_page(secured: Server) -> None:
    response = _request(secured, "POST", body=b"{}", **ORIGIN, **LIST_TABLES)
    assert response.status == 400
    assert b"MissingAuthenticationTokenException" in response.data
    assert response.headers["access-control-allow-origin"] == "*"
