"""callers.py: the verified caller of a request, and what it keeps per key between requests (the
key's secret lookup and its Principal), which must follow the issuer's current IssuedKey: a
new object after an IAM write (Identities.changed) means a new secret, Principal or expiry."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from headwater.callers import Callers
from headwater.core.clock import Clock
from headwater.core.principal import Principal
from headwater.iam.identities import IssuedKey
from headwater.settings import Settings
from headwater.wire.sigv4 import InvalidSignature, UnrecognizedClient

KEY = "AKIAEXAMPLEUSER00001"
USER = "arn:aws:iam::123456789012:user/alice"


def issued(secret: str = "first-secret", arn: str = USER) -> IssuedKey:
    return IssuedKey(KEY, secret, "123456789012", arn, "user", None, None, None, "alice", None)


@dataclass
class Issuer:
    """A KeyIssuer whose answer the test swaps, as Identities.changed() makes it do."""

    current: IssuedKey | None

    def lookup_key(self, access_key_id: str) -> IssuedKey | None:
        return self.current if access_key_id == KEY else None


def signed(secret: str, region: str = "eu-west-1", body: bytes = b"{}") -> tuple[Any, ...]:
    request = AWSRequest(method="POST", url="http://localhost:4566/", data=body,
                         headers={"Content-Type": "application/x-amz-json-1.0",
                                  "X-Amz-Target": "DynamoDB_20120810.PutItem"})
    SigV4Auth(BotoCredentials(KEY, secret), "dynamodb", region).add_auth(request)
    prepared = request.prepare()
    headers = {name.lower(): value for name, value in prepared.headers.items()}
    headers.setdefault("host", urlsplit(prepared.url).netloc)
    return "POST", "/", "", headers, prepared.body or b""


def callers(issuer: Issuer) -> Callers:
    return Callers(replace(Settings(), enforce_iam=True), issuer, Clock())


def test_a_key_verified_twice_gives_the_same_principal_per_region() -> None:
    who = callers(Issuer(issued()))
    first = who.principal(*signed("first-secret", body=b'{"n":1}'))
    again = who.principal(*signed("first-secret", body=b'{"n":2}'))
    elsewhere = who.principal(*signed("first-secret", region="us-west-2"))
    assert first == Principal("123456789012", "eu-west-1", USER, "user", KEY)
    assert again is first
    assert elsewhere.region == "us-west-2" and elsewhere.arn == USER


def test_every_request_is_verified_even_when_its_key_is_known() -> None:
    who = callers(Issuer(issued()))
    who.principal(*signed("first-secret"))
    with pytest.raises(InvalidSignature):
        who.principal(*signed("a-wrong-secret"))
    method, path, query, headers, _ = signed("first-secret", body=b'{"n":1}')
    with pytest.raises(InvalidSignature):
        who.principal(method, path, query, headers, b'{"n":2}')  # a body it did not sign


def test_a_new_issued_key_object_replaces_what_was_kept_for_the_old_one() -> None:
    issuer = Issuer(issued())
    who = callers(issuer)
    who.principal(*signed("first-secret"))
    # An IAM write (here: the key's secret and user renamed) makes the issuer answer a new
    # object; the old secret must stop verifying and the new Principal must show.
    renamed = "arn:aws:iam::123456789012:user/bob"
    issuer.current = issued("second-secret", renamed)
    with pytest.raises(InvalidSignature):
        who.principal(*signed("first-secret"))
    assert who.principal(*signed("second-secret")).arn == renamed


def test_a_deleted_key_no_longer_names_its_user_although_it_verified_before() -> None:
    issuer = Issuer(issued())
    who = callers(issuer)
    assert who.principal(*signed("first-secret")).arn == USER
    issuer.current = None
    # Not IAM's key any more: without --credentials, the account root the key names, as for
    # any unknown key (callers.py); with --credentials, an unknown key is refused.
    assert who.principal(*signed("first-secret")).is_root
    listed = Callers(replace(Settings(), enforce_iam=True, credentials=Listed()), issuer,
                     Clock())
    with pytest.raises(UnrecognizedClient):
        listed.principal(*signed("first-secret"))


class Listed:
    """A --credentials file listing no key."""

    def lookup(self, access_key: str, token: str) -> tuple[str, str] | None:
        return None
