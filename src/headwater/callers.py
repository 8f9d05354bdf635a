"""Who a request comes from (core/principal.py), worked out once per request by the server.

- Without `--credentials` and `--enforce-iam`: the account the access key claims (a 12-digit
  key id is the account), its root; or, for a key IAM issued, that user or role session in
  its account. Nothing is verified.
- `--credentials FILE`: the key must be listed (or be a function worker's) and the signature
  must match: the key's account, its root.
- `--enforce-iam`: a key IAM issued (CreateAccessKey, AssumeRole, a function's role session)
  is verified with its own secret, with its session token for a role session and its
  expiry on the project clock, and the caller is that user or role session; any other key is
  its account's root (verified when `--credentials` lists it), so existing set-ups keep
  working.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from headwater.core.authority import IssuedKey, KeyIssuer
from headwater.core.clock import Clock
from headwater.core.principal import Principal
from headwater.settings import Settings
from headwater.wire.sigv4 import (
    DEFAULT_REGION,
    ExpiredToken,
    KeyLookup,
    credential_scope,
    default_account,
    verify,
)

# Entries each of Callers' small caches holds before it starts again.
CACHED = 1024


class Callers:
    def __init__(self, settings: Settings, issuer: KeyIssuer | None, clock: Clock) -> None:
        self.credentials = settings.credentials
        self.enforce_iam = settings.enforce_iam
        # Whether some request's signature is checked at all.
        self.verifying = self.credentials is not None or self.enforce_iam
        self.issuer = issuer
        self.clock = clock
        # Per verified key, what a request signed by it needs besides its signature (the
        # secret's lookup, its Principal per region): reused while the issuer hands out the
        # same IssuedKey object, which it replaces on every IAM write (Identities.changed).
        self._verified: dict[str, _Verified] = {}
        # (account, region, access key) -> the root Principal a key names.
        self._roots: dict[tuple[str, str, str], Principal] = {}
        # Credential scope -> (the key IAM issued it names, or None; its Principal): reused
        # while the issuer still answers with that same key (it replaces its IssuedKey on
        # every IAM write).
        self._claims: dict[tuple[str, ...], tuple[IssuedKey | None, Principal]] = {}

    def claimed(self, scope: tuple[str, ...]) -> Principal:
        """Who a request's key names (its credential scope, sigv4.credential_scope), unverified
        (the caller of every request on a server that checks nothing): the user or role session
        of a key IAM issued, else the root of the account the key names; the defaults for a
        header that would be refused."""
        key = scope[0] if scope else ""
        issued = self.issuer.lookup_key(key) if key and self.issuer is not None else None
        known = self._claims.get(scope)
        if known is not None and known[0] is issued:
            return known[1]
        region = scope[2] if len(scope) >= 5 and scope[2] else DEFAULT_REGION
        if issued is not None:
            principal = Principal(issued.account, region, issued.principal_arn, issued.kind, key)
        else:
            principal = self._root(default_account(key), region, key)
        if len(self._claims) >= CACHED:
            self._claims.clear()
        self._claims[scope] = (issued, principal)
        return principal

    def principal(self, method: str, path: str, query: str, headers: Mapping[str, str],
                  body: bytes) -> Principal:
        """The verified caller, or the AuthError AWS would answer."""
        if self.enforce_iam and self.issuer is not None:
            # Only to find the key: `verify` parses the header strictly, and the lookup
            # below answers for this key id alone.
            key = _key_id(headers.get("authorization"))
            issued = self.issuer.lookup_key(key) if key else None
            if issued is not None:
                verified = self._verified.get(key)
                if verified is None or verified.issued is not issued:
                    verified = self._remember(key, issued)
                # The wall clock for the signature's date (sigv4._check_time); the project
                # clock for the session's expiry, as AssumeRole set it.
                identity = verify(method, path, query, headers, body, verified.lookup,
                                  time.time())
                return verified.principal(identity.region)
        if self.credentials is None:
            return self.claimed(credential_scope(headers.get("authorization")))
        identity = verify(method, path, query, headers, body, self.credentials.lookup,
                          time.time())
        return self._root(identity.account, identity.region, identity.access_key)

    def _root(self, account: str, region: str, access_key: str) -> Principal:
        """The root Principal of an account as a key names it, made once (cached)."""
        root = (account, region, access_key)
        principal = self._roots.get(root)
        if principal is None:
            if len(self._roots) >= CACHED:
                self._roots.clear()
            principal = self._roots[root] = Principal.root(*root)
        return principal

    def _remember(self, key: str, issued: IssuedKey) -> _Verified:
        if len(self._verified) >= CACHED:
            self._verified.clear()
        verified = self._verified[key] = _Verified(key, issued, self._issued(key, issued))
        return verified

    def _issued(self, key: str, issued: IssuedKey) -> KeyLookup:
        def lookup(access_key: str, token: str) -> tuple[str, str] | None:
            if access_key != key:
                return None
            if issued.session_token is not None and token != issued.session_token:
                return None  # "The security token included in the request is invalid."
            if issued.expires is not None and self.clock.now() >= issued.expires:
                raise ExpiredToken("The security token included in the request is expired")
            return issued.secret, issued.account
        return lookup


class _Verified:
    """A key IAM issued, as verification uses it; Principals made once per region."""

    __slots__ = ("key", "issued", "lookup", "_principals")

    def __init__(self, key: str, issued: IssuedKey, lookup: KeyLookup) -> None:
        self.key = key
        self.issued = issued
        self.lookup = lookup
        self._principals: dict[str, Principal] = {}

    def principal(self, region: str) -> Principal:
        found = self._principals.get(region)
        if found is None:
            if len(self._principals) >= CACHED:
                self._principals.clear()
            issued = self.issued
            found = self._principals[region] = Principal(
                issued.account, region, issued.principal_arn, issued.kind, self.key)
        return found


def _key_id(authorization: str | None) -> str:
    """The access key id after `Credential=`, found cheaply (not validated)."""
    if not authorization:
        return ""
    start = authorization.find("Credential=")
    if start < 0:
        return ""
    start += len("Credential=")
    end = authorization.find("/", start)
    return authorization[start:end] if end > start else ""

