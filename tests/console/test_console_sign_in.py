"""The console under `--credentials`: nothing but the page itself and the sign-in answer
without a session; a listed key and its secret get a session cookie (HttpOnly,
SameSite=Strict), and the console then shows that key's account. The cookie signs nothing
else: the AWS APIs still want SigV4."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from server_support import Server, client, serving

pytestmark = pytest.mark.local_only

KEY, SECRET, ACCOUNT = "AKIDCONSOLE", "console-secret", "111122223333"
FILE = f"""\
[console]
aws_access_key_id = {KEY}
aws_secret_access_key = {SECRET}
aws_account_id = {ACCOUNT}
"""
CONSOLE = "/_headwater/console"


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("console-auth") / "credentials"
    path.write_text(FILE)
    yield from serving("--in-memory", "--credentials", str(path))


def _call(server: Server, path: str, body: Any = None, cookie: str | None = None
          ) -> tuple[int, dict[str, str], bytes]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server.url + path, data=data,
                                     method="GET" if data is None else "POST")
    if cookie:
        request.add_header("cookie", cookie)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _sign_in(server: Server) -> str:
    status, headers, _ = _call(server, CONSOLE + "/api/login",
                               {"accessKeyId": KEY, "secretAccessKey": SECRET})
    assert status == 200
    return headers["set-cookie"].split(";")[0]


@pytest.mark.parametrize("path", ["/api/streams", "/api/mappings", "/api/recent", "/api/clock",
                                  "/events", "/api/queue?name=q"])
def test_without_a_session_the_console_reads_nothing(secured: Server, path: str) -> None:
    status, _, body = _call(secured, CONSOLE + path)
    assert (status, json.loads(body)) == (
        401, {"message": "Sign in to the console with a listed access key"})


def test_without_a_session_the_console_writes_nothing(secured: Server) -> None:
    status, _, _ = _call(secured, CONSOLE + "/api/dynamodb/ListTables", {})
    assert status == 401
    status, _, _ = _call(secured, CONSOLE + "/api/clock", {"advance": 60})
    assert status == 401


def test_the_page_and_the_session_state_are_open(secured: Server) -> None:
    status, headers, body = _call(secured, CONSOLE)
    assert status == 200 and b"<form id=\"login\"" in body
    status, _, body = _call(secured, CONSOLE + "/api/session")
    assert json.loads(body) == {"required": True, "signedIn": False, "account": None,
                                "region": "us-east-1"}


@pytest.mark.parametrize("key, secret", [(KEY, "wrong"), ("AKIDNOBODY", SECRET),
                                         ("111122223333", SECRET)])
def test_only_a_listed_key_with_its_secret_signs_in(secured: Server, key: str,
                                                    secret: str) -> None:
    status, headers, body = _call(secured, CONSOLE + "/api/login",
                                  {"accessKeyId": key, "secretAccessKey": secret})
    assert (status, json.loads(body)) == (403, {"message": "Unknown access key or wrong secret"})
    assert "set-cookie" not in {k.lower() for k in headers}


def test_a_listed_key_gets_an_http_only_strict_session(secured: Server) -> None:
    status, headers, body = _call(secured, CONSOLE + "/api/login",
                                  {"accessKeyId": KEY, "secretAccessKey": SECRET})
    assert (status, json.loads(body)) == (200, {"signedIn": True, "account": ACCOUNT})
    attributes = [part.strip() for part in headers["set-cookie"].split(";")]
    assert attributes[0].startswith("headwater_console=") and len(attributes[0]) > 40
    assert set(attributes[1:]) == {"Path=/_headwater/console", "HttpOnly", "SameSite=Strict"}
    cookie = attributes[0]
    status, _, body = _call(secured, CONSOLE + "/api/session", cookie=cookie)
    assert json.loads(body)["account"] == ACCOUNT
    assert _call(secured, CONSOLE + "/api/streams", cookie=cookie)[0] == 200
    status, _, _ = _call(secured, CONSOLE + "/api/logout", {}, cookie=cookie)
    assert _call(secured, CONSOLE + "/api/streams", cookie=cookie)[0] == 401


def test_the_session_cookie_signs_no_aws_api_call(secured: Server) -> None:
    cookie = _sign_in(secured)
    request = urllib.request.Request(
        secured.url + "/", data=b"{}", method="POST",
        headers={"cookie": cookie, "x-amz-target": "DynamoDB_20120810.ListTables",
                 "content-type": "application/x-amz-json-1.0"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request)
    assert raised.value.code == 400
    assert json.loads(raised.value.read())["__type"].endswith("#MissingAuthenticationTokenException")


def test_the_browser_signs_in_and_sees_the_keys_account(
        secured: Server, page: Any, shots: Path) -> None:
    ddb = client("dynamodb", secured.url, aws_access_key_id=KEY, aws_secret_access_key=SECRET)
    ddb.create_table(TableName="signed-in-table",
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    page.goto(secured.url + CONSOLE + "#tables")
    page.wait_for_selector("body[data-ready='login']")
    page.fill("input[name='secretAccessKey']", "wrong")
    page.fill("input[name='accessKeyId']", KEY)
    page.click("#login button")
    page.wait_for_selector("#login-error:has-text('Unknown access key or wrong secret')")
    page.screenshot(path=str(shots / "sign-in.png"))
    page.fill("input[name='secretAccessKey']", SECRET)
    page.click("#login button")
    page.wait_for_selector("body[data-ready='tables']")
    page.wait_for_selector("#live[data-state='open']")
    assert "signed-in-table" in page.locator("main").inner_text()
