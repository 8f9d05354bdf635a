"""SigV4: caller identity from the `Authorization` header (account from the access key, region
from the credential scope) and, when the server runs with `--credentials`, verification of the
signature itself by recomputing it for the request received.

Verification follows the Signature Version 4 specification ("Create a signed AWS API request",
AWS IAM user guide) as botocore's `SigV4Auth` implements it, which the unit tests use as the
oracle: canonical request = method, canonical URI, canonical query string, canonical headers
(the ones `SignedHeaders` names), signed header list, payload hash; string to sign = algorithm,
X-Amz-Date, credential scope, SHA-256 of the canonical request; the key is derived from the
secret by HMAC over date, region, service and `aws4_request`. Query-string (presigned) requests
are verified the same way, with `X-Amz-Signature` left out of the canonical query string.

Errors carry the JSON-protocol (coral) code; `query_code` is the name query-protocol services
(SNS, SQS, CloudWatch) use for the same failure (their "Common Errors" pages).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
from calendar import timegm
from collections.abc import Callable, Mapping
from time import gmtime, strftime
from typing import ClassVar, NamedTuple
from urllib.parse import quote, unquote, unquote_plus

from headwater.wire import aws_chunked
from headwater.wire.errors import AwsError

DEFAULT_ACCOUNT = "000000000000"
DEFAULT_REGION = "us-east-1"
ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
# How far X-Amz-Date may be from the server's wall clock, either way (AWS: 15 minutes).
MAX_SKEW = 15 * 60
MAX_PRESIGNED_EXPIRES = 7 * 24 * 3600
AMZ_DATE = "%Y%m%dT%H%M%SZ"
SIGNATURE_MISMATCH = ("The request signature we calculated does not match the signature you "
                      "provided. Check your AWS Secret Access Key and signing method. Consult "
                      "the service documentation for details.")
AUTH_PARTS = ("Credential", "Signature", "SignedHeaders")
S3 = "s3"
UNSIGNED = "UNSIGNED-PAYLOAD"
S3_PAYLOAD_MARKERS = frozenset({UNSIGNED, *aws_chunked.STREAMING})
# (account, region) of a request's caller, as the server hands it to the protocol handlers.
Caller = tuple[str, str]


# The usual header, `AWS4-HMAC-SHA256 Credential=C, SignedHeaders=H, Signature=S` (each comma
# followed by at most one space, no whitespace or comma in a value): its Credential. The strict
# parse (`authorization_components`) gives that same Credential for every header this matches
# (str.strip and the pattern's \s agree on what whitespace is), so it runs only for the others.
_USUAL = re.compile(r"AWS4-HMAC-SHA256 Credential=([^,\s]*), ?SignedHeaders=[^,\s]*, ?"
                    r"Signature=[^,\s]*")
# Header text -> its scope, for the headers seen last (a client signing with a fixed date and
# body, or the same request again, is answered from here); headers of a usual length only.
_SCOPES: dict[str, tuple[str, ...]] = {}
_SCOPES_KEPT = 1024
_SCOPES_LONGEST = 512


def credential_scope(authorization: str | None) -> tuple[str, ...]:
    """The `/`-separated parts of a header's Credential (`AKID/date/region/service/aws4_request`),
    the header parsed as strictly as for verification; () when there is none or the header
    would be refused. Cheap: a header is looked up, or matched against the usual shape, before
    it is parsed."""
    if not authorization:
        return ()
    scope = _SCOPES.get(authorization)
    if scope is None:
        usual = _USUAL.fullmatch(authorization)
        if usual is not None:
            credential = usual.group(1)
        else:
            try:
                credential = authorization_components(authorization).get("Credential", "")
            except IncompleteSignature:
                credential = ""
        scope = tuple(credential.split("/")) if credential else ()
        if len(authorization) <= _SCOPES_LONGEST:
            if len(_SCOPES) >= _SCOPES_KEPT:
                _SCOPES.clear()
            _SCOPES[authorization] = scope
    return scope


def caller(authorization: str | None) -> Caller:
    """(account, region) a request claims, for a server without `--credentials` (nothing is
    verified there); a 12-digit access key id is taken as the account. A header that would be
    refused names no account: the defaults apply."""
    parts = credential_scope(authorization)
    if not parts:
        return DEFAULT_ACCOUNT, DEFAULT_REGION
    region = parts[2] if len(parts) >= 5 and parts[2] else DEFAULT_REGION
    return default_account(parts[0]), region


def authorization_components(authorization: str) -> dict[str, str]:
    """The components of an `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
    Signature=...` header, parsed strictly: one algorithm, then comma-separated `name=value`
    pairs whose names are among the three SigV4 names, each at most once. Anything else is
    IncompleteSignature: a loose parse let `XCredential=OTHER/...` stand for the credential.
    Which components are required is the caller's concern (`_signature_parameters`)."""
    algorithm, _, rest = authorization.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise IncompleteSignature(f"Unsupported AWS 'algorithm': '{algorithm}'")
    parts: dict[str, str] = {}
    for item in rest.split(","):
        pair = item.strip()
        name, equals, value = pair.partition("=")
        if not equals:
            # AWS's wording for a component without "=" (API Gateway and coral front ends).
            raise IncompleteSignature(f"'{pair}' not a valid key=value pair (missing "
                                      f"equal-sign) in Authorization header: '{authorization}'.")
        if name not in AUTH_PARTS or name in parts:
            raise IncompleteSignature(
                f"'{name}' is not a valid or is a repeated component of the Authorization "
                f"header: '{authorization}'.")
        parts[name] = value
    return parts


def default_account(access_key: str) -> str:
    """The account of a key no file maps: itself when it is 12 digits, else 000000000000."""
    return access_key if len(access_key) == 12 and access_key.isdigit() else DEFAULT_ACCOUNT


class AuthError(AwsError):
    """A request that is not authenticated; the protocol layer picks the status."""

    query_code: ClassVar[str] = ""

    @property
    def query_error(self) -> str:
        """The code query_protocol.QueryService.error_body renders."""
        return self.query_code


class MissingAuthenticationToken(AuthError):
    code = "MissingAuthenticationTokenException"
    query_code = "MissingAuthenticationToken"


class IncompleteSignature(AuthError):
    code = "IncompleteSignatureException"
    query_code = "IncompleteSignature"


class UnrecognizedClient(AuthError):
    code = "UnrecognizedClientException"
    query_code = "InvalidClientTokenId"


class ExpiredToken(AuthError):
    """A role session's credentials used after their Expiration (STS AssumeRole)."""

    code = "ExpiredTokenException"
    query_code = "ExpiredToken"


class InvalidSignature(AuthError):
    code = "InvalidSignatureException"
    query_code = "SignatureDoesNotMatch"


class Identity(NamedTuple):
    """Who a verified request comes from (built once per verified request)."""

    access_key: str
    account: str
    region: str
    service: str
    date: str  # X-Amz-Date


# (access key id, session token or "") -> (secret access key, account), or None if unknown.
KeyLookup = Callable[[str, str], "tuple[str, str] | None"]


class _Signed(NamedTuple):
    """The signature parameters of a request, from its header or its query string (a named
    tuple: built once per request, and a frozen dataclass's __init__ costs ~1 us more)."""

    credential: str
    signed_headers: list[str]
    signature: str
    date: str
    presigned: bool
    expires: int = 0


def verify(method: str, path: str, query: str, headers: Mapping[str, str], body: bytes,
           lookup: KeyLookup, now: float) -> Identity:
    """The identity of a correctly signed request, or the AuthError AWS would answer.

    `path` is the decoded path (the HTTP server unquotes it), `query` the raw query string,
    `headers` lower-cased; `now` is the wall-clock time in seconds."""
    signed, scope, secret, account = _check_head(query, headers, lookup, now)
    if scope[3] == S3:
        _check_signature(method, path, query, headers, signed, scope, secret,
                         _s3_payload_hash(headers, body, signed), s3=True)
        _check_chunks(headers, body, signed, scope, secret)
    else:
        _check_signature(method, path, query, headers, signed, scope, secret,
                         _payload_hash(headers, body))
    return Identity(scope[0], account, scope[2], scope[3], signed.date)


def verify_head(method: str, path: str, query: str, headers: Mapping[str, str],
                lookup: KeyLookup, now: float) -> None:
    """The checks a request's head allows before its body is read (raising the AuthError AWS
    would answer): signature parameters present and well formed, date within 15 minutes, key
    known; and the signature itself when the client sent its payload's hash in
    x-amz-content-sha256. `verify` must still run once the body is there."""
    signed, scope, secret, _ = _check_head(query, headers, lookup, now)
    claimed = headers.get("x-amz-content-sha256", "")
    s3 = scope[3] == S3
    if len(claimed) == 64 and all(c in "0123456789abcdef" for c in claimed) or (
            s3 and claimed in S3_PAYLOAD_MARKERS):
        _check_signature(method, path, query, headers, signed, scope, secret, claimed, s3=s3)


def _check_head(query: str, headers: Mapping[str, str], lookup: KeyLookup, now: float
                ) -> tuple[_Signed, list[str], str, str]:
    """(signature parameters, credential scope, secret key, account) of a request whose
    signature parameters, date and key pass."""
    signed = _signature_parameters(query, headers)
    scope = signed.credential.split("/")
    if len(scope) != 5 or scope[4] != TERMINATOR:
        raise IncompleteSignature(
            f"Credential should be scoped with a valid terminator: '{TERMINATOR}', "
            f"not '{scope[-1]}'.")
    access_key, day = scope[0], scope[1]
    when = _parse_date(signed.date)
    _check_time(signed, when, now)
    if day != signed.date[:8]:
        raise InvalidSignature(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{day}' != '{signed.date[:8]}', from '{signed.date}'.")
    token = (headers.get("x-amz-security-token")
             or (_query_value(query, "X-Amz-Security-Token") if signed.presigned else "") or "")
    key = lookup(access_key, token)
    if key is None:
        raise UnrecognizedClient("The security token included in the request is invalid.")
    return signed, scope, key[0], key[1]


def _check_signature(method: str, path: str, query: str, headers: Mapping[str, str],
                     signed: _Signed, scope: list[str], secret: str, payload_hash: str, *,
                     s3: bool = False) -> None:
    canonical = canonical_request(method, path, query, headers, signed.signed_headers,
                                  payload_hash, signed.presigned, s3=s3)
    # signature() inlined: the scope is already split (one HMAC, one SHA-256 a request).
    to_sign = (f"{ALGORITHM}\n{signed.date}\n{signed.credential.partition('/')[2]}\n"
               f"{hashlib.sha256(canonical.encode()).hexdigest()}")
    key = _signing_key(secret, scope[1], scope[2], scope[3])
    expected = hmac.digest(key, to_sign.encode(), "sha256").hex()
    if not hmac.compare_digest(expected, signed.signature):
        raise InvalidSignature(SIGNATURE_MISMATCH)


def is_presigned(query: str) -> bool:
    return "X-Amz-Signature=" in query


def canonical_request(method: str, path: str, query: str, headers: Mapping[str, str],
                      signed_headers: list[str], payload_hash: str, presigned: bool = False,
                      *, s3: bool = False) -> str:
    return "\n".join((
        method.upper(),
        # S3 encodes each segment once and keeps dot segments and empty ones (its keys may
        # hold them): "Signature Calculations for the Authorization Header", S3 API reference.
        quote(path, safe="/~") if s3 else canonical_uri(path),
        canonical_query(query, presigned),
        canonical_headers(headers, signed_headers),
        ";".join(signed_headers),
        payload_hash,
    ))


def canonical_uri(path: str) -> str:
    """The canonical URI of a decoded path, for every service but S3: the path as the client
    sent it (each segment URI-encoded, as the SDKs do) with dot segments removed, encoded once
    more (AWS: "each path segment must be URI-encoded twice", so `:` becomes `%253A`)."""
    if path == "/":
        return path  # every JSON and query protocol request
    sent = quote(path, safe="/~")
    if "/." in sent or "//" in sent:
        sent = _remove_dot_segments(sent)
    return quote(sent or "/", safe="/~")


def canonical_query(query: str, presigned: bool = False) -> str:
    """Parameters URI-encoded (RFC 3986 unreserved characters kept), sorted by name then value;
    a presigned request's own X-Amz-Signature is left out. A `+` is a space: botocore sends
    query parameters form-encoded (`urlencode`) but signs them with `%20`."""
    if not query:
        return ""
    pairs = []
    for pair in query.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        name = quote(unquote_plus(name), safe="-_.~")
        if presigned and name == "X-Amz-Signature":
            continue
        pairs.append((name, quote(unquote_plus(value), safe="-_.~")))
    return "&".join(f"{name}={value}" for name, value in sorted(pairs))


def canonical_headers(headers: Mapping[str, str], signed_headers: list[str]) -> str:
    """`name:value\\n` per signed header, values trimmed and inner spaces collapsed."""
    return "".join(f"{name}:{' '.join(headers.get(name, '').split())}\n"
                   for name in signed_headers)


def signature(secret: str, date: str, scope: str, canonical: str) -> str:
    """The hex signature of a canonical request; `scope` is `day/region/service/aws4_request`."""
    to_sign = "\n".join((ALGORITHM, date, scope,
                         hashlib.sha256(canonical.encode("utf-8")).hexdigest()))
    day, region, service, _ = scope.split("/")
    key = _signing_key(secret, day, region, service)
    return hmac.digest(key, to_sign.encode("utf-8"), "sha256").hex()


@functools.lru_cache(maxsize=256)
def _signing_key(secret: str, day: str, region: str, service: str) -> bytes:
    key = f"AWS4{secret}".encode()
    for part in (day, region, service, TERMINATOR):
        key = hmac.digest(key, part.encode("utf-8"), "sha256")
    return key


def _signature_parameters(query: str, headers: Mapping[str, str]) -> _Signed:
    authorization = headers.get("authorization")
    if authorization is None:
        if is_presigned(query):
            return _presigned_parameters(query)
        raise MissingAuthenticationToken("Request is missing Authentication Token")
    parts = authorization_components(authorization)
    date = headers.get("x-amz-date", "")
    credential, signed_headers, signature_ = (parts.get("Credential"),
                                              parts.get("SignedHeaders"), parts.get("Signature"))
    if credential and signed_headers and signature_ and date:
        return _Signed(credential, signed_headers.split(";"), signature_, date, False)
    missing = [f"Authorization header requires '{name}' parameter."
               for name in AUTH_PARTS if not parts.get(name)]
    if not date:
        missing.append("Authorization header requires existence of either a 'X-Amz-Date' or "
                       "a 'Date' header.")
    if missing:
        # AWS lists every missing part, then echoes the header (dynalite, recorded responses).
        raise IncompleteSignature(" ".join(missing) + f" Authorization={authorization}")
    return _Signed(parts["Credential"], parts["SignedHeaders"].split(";"), parts["Signature"],
                   date, presigned=False)


def _presigned_parameters(query: str) -> _Signed:
    params = {}
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if name.startswith("X-Amz-"):
            params[name] = unquote(value)
    missing = [name for name in ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
                                 "X-Amz-SignedHeaders", "X-Amz-Expires") if not params.get(name)]
    if missing:
        raise IncompleteSignature("AWS query-string parameters must include "
                                  + ", ".join(f"'{name}'" for name in missing)
                                  + ". Re-examine the query-string parameters.")
    if params["X-Amz-Algorithm"] != ALGORITHM:
        raise IncompleteSignature(f"Unsupported AWS 'algorithm': '{params['X-Amz-Algorithm']}'")
    expires = params["X-Amz-Expires"]
    if not expires.isdigit() or int(expires) > MAX_PRESIGNED_EXPIRES:
        raise IncompleteSignature("X-Amz-Expires must be a number of seconds from 0 to "
                                  f"{MAX_PRESIGNED_EXPIRES}; got '{expires}'.")
    return _Signed(params["X-Amz-Credential"], params["X-Amz-SignedHeaders"].split(";"),
                   params["X-Amz-Signature"], params["X-Amz-Date"], presigned=True,
                   expires=int(expires))


def _query_value(query: str, name: str) -> str:
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key == name:
            return unquote(value)
    return ""


@functools.lru_cache(maxsize=256)
def _parse_date(date: str) -> float:
    """Seconds since the epoch of `YYYYMMDDTHHMMSSZ` (by hand: strptime is a third of the
    cost of a verification; cached, as a second's requests share their date)."""
    digits = date[:8] + date[9:15]
    if len(date) == 16 and date[8] == "T" and date[15] == "Z" and digits.isdigit():
        parts = (int(digits[:4]), int(digits[4:6]), int(digits[6:8]), int(digits[8:10]),
                 int(digits[10:12]), int(digits[12:14]))
        if 1 <= parts[1] <= 12 and 1 <= parts[2] <= 31 and parts[3] < 24 and parts[4] < 60 \
                and parts[5] < 61:
            return float(timegm((*parts, 0, 0, 0)))
    raise IncompleteSignature(f"Date must be in ISO-8601 'basic format'. Got '{date}'. "
                              "See http://en.wikipedia.org/wiki/ISO_8601")


def _check_time(signed: _Signed, when: float, now: float) -> None:
    """AWS's replay window. Signers stamp requests with their wall clock, so this compares
    with the server's wall clock (`now`), never the virtual clock (DESIGN.md principle 3):
    advancing /_headwater/clock must not expire every client's signature. (The texts are
    formatted only for a refusal.)"""
    if signed.presigned:
        if now > when + signed.expires:
            raise InvalidSignature(f"Signature expired: {_stamp(when + signed.expires)} is now "
                                   f"earlier than {_stamp(now)}.")
        if when > now + MAX_SKEW:
            raise InvalidSignature(f"Signature not yet current: {signed.date} is still later "
                                   f"than {_stamp(now + MAX_SKEW)} ({_stamp(now)} + 15 min.)")
        return
    if when < now - MAX_SKEW:
        raise InvalidSignature(f"Signature expired: {signed.date} is now earlier than "
                               f"{_stamp(now - MAX_SKEW)} ({_stamp(now)} - 15 min.)")
    if when > now + MAX_SKEW:
        raise InvalidSignature(f"Signature not yet current: {signed.date} is still later than "
                               f"{_stamp(now + MAX_SKEW)} ({_stamp(now)} + 15 min.)")


def _stamp(seconds: float) -> str:
    return strftime(AMZ_DATE, gmtime(seconds))


def _payload_hash(headers: Mapping[str, str], body: bytes) -> str:
    """The body's SHA-256; a client-sent x-amz-content-sha256 must agree with it, or the
    signature would not cover the body actually received."""
    computed = hashlib.sha256(body).hexdigest()
    claimed = headers.get("x-amz-content-sha256")
    if claimed is not None and claimed != computed:
        raise InvalidSignature("The provided 'x-amz-content-sha256' header does not match what "
                               "was computed.")
    return computed


def _s3_payload_hash(headers: Mapping[str, str], body: bytes, signed: _Signed) -> str:
    """What an S3 request signs for its payload: UNSIGNED-PAYLOAD (always for a presigned
    URL), a STREAMING-... marker of an aws-chunked body, or the body's SHA-256."""
    if signed.presigned:
        return UNSIGNED
    claimed = headers.get("x-amz-content-sha256", "")
    if claimed in S3_PAYLOAD_MARKERS:
        return claimed
    return _payload_hash(headers, body)


def _check_chunks(headers: Mapping[str, str], body: bytes, signed: _Signed, scope: list[str],
                  secret: str) -> None:
    """A signed aws-chunked body: every chunk's signature must chain from the request's."""
    if headers.get("x-amz-content-sha256") not in (aws_chunked.SIGNED,
                                                   aws_chunked.SIGNED_TRAILER) or not body:
        return
    try:
        decoded = aws_chunked.decode(body, None)
    except AwsError:
        return  # not a chunked body at all: S3 answers it (InvalidRequest)
    try:
        aws_chunked.verify_chunks(decoded, _signing_key(secret, scope[1], scope[2], scope[3]),
                                  signed.date, signed.credential.partition("/")[2],
                                  signed.signature)
    except AwsError:
        raise InvalidSignature(SIGNATURE_MISMATCH) from None


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, and empty segments dropped (AWS services require consecutive
    slashes removed), as botocore's remove_dot_segments does."""
    output: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if output:
                output.pop()
        elif segment and segment != ".":
            output.append(segment)
    first = "/" if path.startswith("/") else ""
    last = "/" if path.endswith("/") and output else ""
    return first + "/".join(output) + last
