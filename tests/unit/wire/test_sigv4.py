"""SigV4 verification (wire/sigv4.py), with botocore's signer as the oracle: a request botocore
signs verifies; changing any signed part of it does not."""

from __future__ import annotations

import hashlib
import time
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import given
from hypothesis import strategies as st

from headwater.wire import sigv4
from headwater.wire.sigv4 import (
    IncompleteSignature,
    InvalidSignature,
    MissingAuthenticationToken,
    UnrecognizedClient,
    caller,
    canonical_query,
    canonical_uri,
    credential_scope,
    verify,
    verify_head,
)

KEYS = {"AKIDTEST": ("secret", "123456789012")}


def lookup(key: str, token: str) -> tuple[str, str] | None:
    return KEYS.get(key)


def signed(method: str = "POST", url: str = "http://localhost:4566/", body: bytes = b"{}",
           headers: dict[str, str] | None = None, service: str = "dynamodb",
           secret: str = "secret", presign: bool = False) -> tuple[Any, ...]:
    """(method, path, query, headers, body) as the server receives a botocore-signed request:
    the path decoded, the query raw, header names lower-cased."""
    request = AWSRequest(method=method, url=url, data=body,
                         headers={"Content-Type": "application/x-amz-json-1.0",
                                  **(headers or {})})
    credentials = Credentials("AKIDTEST", secret)
    signer = (SigV4QueryAuth(credentials, service, "eu-west-1", 300) if presign
              else SigV4Auth(credentials, service, "eu-west-1"))
    signer.add_auth(request)
    prepared = request.prepare()
    parts = urlsplit(prepared.url)
    received = {name.lower(): value for name, value in prepared.headers.items()}
    received.setdefault("host", parts.netloc)
    return method, unquote(parts.path), parts.query, received, prepared.body or b""


def check(request: tuple[Any, ...], now: float | None = None) -> sigv4.Identity:
    method, path, query, headers, body = request
    return verify(method, path, query, headers, body, lookup,
                  time.time() if now is None else now)


def test_a_botocore_signed_request_verifies_with_its_account_and_scope() -> None:
    identity = check(signed())
    assert (identity.access_key, identity.account) == ("AKIDTEST", "123456789012")
    assert (identity.region, identity.service) == ("eu-west-1", "dynamodb")


@pytest.mark.parametrize("url", [
    "http://localhost:4566/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012"
    "%3Afunction%3Af/invocations?Qualifier=%24LATEST",
    "http://localhost:4566/2015-03-31/functions/?MaxItems=5&Marker=a%2Fb%3Dc&FunctionVersion=ALL",
    "http://localhost:4566/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A0%3Afunction%3Af",
    "http://localhost:4566/a/./b/../c//d/?x=1&x=0&empty=&flag",
    "http://localhost:4566/sp%20ace/~tilde/%2B?q=%20&r=a%2Bb",
])
def test_paths_and_queries_verify_as_botocore_encodes_them(url: str) -> None:
    check(signed("GET", url, b"", service="lambda"))


def test_a_presigned_url_verifies_and_expires() -> None:
    request = signed("GET", "http://localhost:4566/2015-03-31/functions/?MaxItems=5", b"",
                     service="lambda", presign=True)
    assert check(request).service == "lambda"
    with pytest.raises(InvalidSignature, match="^Signature expired: "):
        check(request, time.time() + 301)


@pytest.mark.parametrize("change", ["method", "path", "query", "header", "body", "secret"])
def test_any_change_to_a_signed_part_fails(change: str) -> None:
    method, path, query, headers, body = signed(
        url="http://localhost:4566/x?a=1", headers={"X-Amz-Target": "DynamoDB_20120810.GetItem"},
        secret="other" if change == "secret" else "secret")
    method = "PUT" if change == "method" else method
    path = "/y" if change == "path" else path
    query = "a=2" if change == "query" else query
    if change == "header":
        headers["x-amz-target"] = "DynamoDB_20120810.DeleteItem"
    body = b'{"a":1}' if change == "body" else body
    with pytest.raises(InvalidSignature, match="^The request signature we calculated"):
        check((method, path, query, headers, body))


def test_an_unsigned_header_may_change() -> None:
    method, path, query, headers, body = signed()
    headers["user-agent"] = "something else"
    check((method, path, query, headers, body))


def test_missing_unknown_incomplete_and_skewed_requests_get_their_errors() -> None:
    method, path, query, headers, body = signed()
    with pytest.raises(MissingAuthenticationToken, match="^Request is missing Authentication"):
        check((method, path, query, {"host": "x"}, body))
    unknown = signed()
    unknown[3]["authorization"] = unknown[3]["authorization"].replace("AKIDTEST", "AKIDNOPE")
    with pytest.raises(UnrecognizedClient,
                       match=r"^The security token included in the request is invalid\.$"):
        check(unknown)
    incomplete = {**headers, "authorization": "AWS4-HMAC-SHA256 Credential=AKIDTEST/x"}
    with pytest.raises(IncompleteSignature, match="requires 'Signature' parameter"):
        check((method, path, query, incomplete, body))
    now = time.time()
    date = headers["x-amz-date"]
    with pytest.raises(InvalidSignature) as late:
        check((method, path, query, headers, body), now + 16 * 60)
    assert late.value.message.startswith(f"Signature expired: {date} is now earlier than ")
    assert late.value.message.endswith(" - 15 min.)")
    with pytest.raises(InvalidSignature, match="^Signature not yet current: "):
        check((method, path, query, headers, body), now - 16 * 60)
    check((method, path, query, headers, body), now + 14 * 60)


def test_a_content_hash_header_must_match_the_body() -> None:
    method, path, query, headers, body = signed(headers={"X-Amz-Content-SHA256": "0" * 64})
    with pytest.raises(InvalidSignature, match="x-amz-content-sha256"):
        check((method, path, query, headers, body))


def head(request: tuple[Any, ...]) -> None:
    method, path, query, headers, _ = request
    verify_head(method, path, query, headers, lookup, time.time())


def test_the_head_alone_refuses_missing_unknown_and_stale_signatures() -> None:
    method, path, query, headers, body = signed()
    with pytest.raises(MissingAuthenticationToken):
        head((method, path, query, {"host": "x"}, b""))
    unknown = {**headers, "authorization": headers["authorization"].replace("AKIDTEST", "AKIDX")}
    with pytest.raises(UnrecognizedClient):
        head((method, path, query, unknown, b""))
    stale = {**headers, "x-amz-date": "20000101T000000Z"}
    with pytest.raises(InvalidSignature, match="^Signature expired"):
        head((method, path, query, stale, b""))


def test_the_head_checks_the_signature_only_when_it_carries_the_payload_hash() -> None:
    # Without x-amz-content-sha256 the signature covers a body not read yet: only verify can
    # tell a wrong secret.
    wrong = signed(secret="not-the-secret")
    head(wrong)
    with pytest.raises(InvalidSignature, match="^The request signature we calculated"):
        check(wrong)
    body = b'{"TableName": "t"}'
    digest = hashlib.sha256(body).hexdigest()
    hashed = signed(body=body, headers={"X-Amz-Content-SHA256": digest})
    head(hashed)
    check(hashed)
    with pytest.raises(InvalidSignature, match="^The request signature we calculated"):
        head(signed(body=body, secret="nope", headers={"X-Amz-Content-SHA256": digest}))


def test_canonical_uri_encodes_the_sent_path_again() -> None:
    assert canonical_uri("/") == "/"
    assert canonical_uri("") == "/"
    assert canonical_uri("/2015-03-31/functions/arn:aws:lambda:x/invocations") == (
        "/2015-03-31/functions/arn%253Aaws%253Alambda%253Ax/invocations")
    assert canonical_uri("/a b/~c") == "/a%2520b/~c"
    assert canonical_uri("/a/./b/../c//d/") == "/a/c/d/"


def test_canonical_query_sorts_and_normalises_encoding() -> None:
    assert canonical_query("") == ""
    assert canonical_query("b=2&a=1&a=0&c") == "a=0&a=1&b=2&c="
    assert canonical_query("k=a%2fb:c") == "k=a%2Fb%3Ac"
    assert canonical_query("k=a+b%2B") == "k=a%20b%2B"
    assert canonical_query("X-Amz-Signature=abc&A=1", presigned=True) == "A=1"


@given(st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=8), max_size=4))
def test_any_query_botocore_signs_verifies(params: dict[str, str]) -> None:
    request = AWSRequest(method="GET", url="http://localhost:4566/p", params=params)
    SigV4Auth(Credentials("AKIDTEST", "secret"), "lambda", "us-east-1").add_auth(request)
    prepared = request.prepare()
    parts = urlsplit(prepared.url)
    headers = {name.lower(): value for name, value in prepared.headers.items()}
    headers["host"] = parts.netloc
    verify("GET", unquote(parts.path), parts.query, headers, b"", lookup, time.time())


def test_caller_is_unchanged() -> None:
    assert caller(None) == ("000000000000", "us-east-1")
    assert caller("AWS4-HMAC-SHA256 Credential=123456789012/20240101/eu-west-1/s/aws4_request"
                  ", SignedHeaders=host, Signature=x") == ("123456789012", "eu-west-1")
    assert caller("AWS4-HMAC-SHA256 Credential=AKID/20240101/ap-south-1/s/aws4_request") == (
        "000000000000", "ap-south-1")


def test_credential_scope_is_parsed_strictly() -> None:
    assert credential_scope(None) == ()
    assert credential_scope("AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/sqs/aws4_request"
                            ", SignedHeaders=host, Signature=x") == (
        "AKID", "20240101", "eu-west-1", "sqs", "aws4_request")
    # A header that would be refused names no credential.
    assert credential_scope("AWS4-HMAC-SHA256 XCredential=AKID/20240101/eu-west-1/sqs/x") == ()
    assert credential_scope("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=x") == ()
    # Near misses of the usual shape go to the strict parse, which decides as before.
    usual = "AWS4-HMAC-SHA256 Credential=AKID/d/r/s/aws4_request, SignedHeaders=host, Signature=x"
    assert credential_scope(usual.replace(", Signature", ", Signature=y, Signature")) == ()
    assert credential_scope(usual.replace(", Sig", ",  Sig"))[0] == "AKID"  # two spaces
    assert credential_scope(usual.replace("request,", "request ,"))[4] == "aws4_request"
    assert credential_scope(usual.replace("Credential=", "Credential= "))[0] == " AKID"


def _strict_scope(authorization: str) -> tuple[str, ...]:
    """What credential_scope answered before its cache and usual-shape match: the strict
    parse's Credential, split."""
    try:
        credential = sigv4.authorization_components(authorization).get("Credential", "")
    except IncompleteSignature:
        return ()
    return tuple(credential.split("/")) if credential else ()


_PIECES = st.sampled_from([
    "AWS4-HMAC-SHA256", " ", "  ", ",", ", ", "=", "Credential=", "SignedHeaders=", "Signature=",
    "AKID/20240101/us-east-1/dynamodb/aws4_request", "host;x-amz-date", "abc123", "\t", "\x1c",
    "\xa0", "\x85", "/", "x=y", "XCredential=", "credential="])


@given(st.lists(_PIECES, max_size=12).map("".join))
def test_credential_scope_matches_the_strict_parse(authorization: str) -> None:
    assert credential_scope(authorization) == _strict_scope(authorization)
    assert credential_scope(authorization) == _strict_scope(authorization)  # cached


@given(st.text(alphabet=st.sampled_from("aK/=, \t\xa0;-"), max_size=8),
       st.text(alphabet=st.sampled_from("aK/=, \t\xa0;-"), max_size=8),
       st.sampled_from([", ", ",", ",  ", " , "]))
def test_credential_scope_of_usual_headers_matches_the_strict_parse(
        credential: str, signature: str, comma: str) -> None:
    authorization = (f"AWS4-HMAC-SHA256 Credential={credential}{comma}SignedHeaders=host"
                     f"{comma}Signature={signature}")
    assert credential_scope(authorization) == _strict_scope(authorization)


def test_the_authorization_header_is_parsed_strictly() -> None:
    method, path, query, headers, body = signed()
    sent = headers["authorization"]
    algorithm, _, rest = sent.partition(" ")
    for in_front, message in [
        ("XCredential=111122223333/20240101/us-east-1/s/aws4_request, ",
         r"^'XCredential' is not a valid or is a repeated component"),
        ("Credential=111122223333/20240101/us-east-1/s/aws4_request, ",
         r"^'Credential' is not a valid or is a repeated component"),
        ("junk, ", r"^'junk' not a valid key=value pair \(missing equal-sign\)"),
    ]:
        header = f"{algorithm} {in_front}{rest}"
        with pytest.raises(IncompleteSignature, match=message):
            check((method, path, query, {**headers, "authorization": header}, body))
        assert caller(header) == ("000000000000", "us-east-1")
    with pytest.raises(IncompleteSignature, match="^Unsupported AWS 'algorithm': 'AWS4-X'$"):
        check((method, path, query, {**headers, "authorization": f"AWS4-X {rest}"}, body))
    check((method, path, query, headers, body))


def test_caller_ignores_credential_text_outside_the_credential_component() -> None:
    assert caller("AWS4-HMAC-SHA256 XCredential=111122223333/20240101/eu-west-1/s/aws4_request"
                  ", Credential=AKID/20240101/us-east-1/s/aws4_request, SignedHeaders=host"
                  ", Signature=x") == ("000000000000", "us-east-1")
    assert caller("AWS4-HMAC-SHA256 Credential=AKID/20240101/us-west-2/s/aws4_request"
                  ", SignedHeaders=host, Signature=Credential=111122223333/x/eu-west-1/s/y"
                  ) == ("000000000000", "us-west-2")


@given(st.text(max_size=200))
def test_any_header_text_is_parsed_or_refused_as_incomplete(text: str) -> None:
    for header in (text, f"AWS4-HMAC-SHA256 {text}"):
        try:
            parts = sigv4.authorization_components(header)
        except IncompleteSignature:
            parts = None
        if parts is not None:
            assert set(parts) <= {"Credential", "SignedHeaders", "Signature"}
        account, region = caller(header)
        assert len(account) == 12 and account.isdigit()
        assert region
