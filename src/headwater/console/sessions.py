"""Console sign-in under --credentials: the page posts an access key id and its secret, and a
listed key gets a session cookie (HttpOnly, SameSite=Strict, random, kept in memory only: a
restart signs everyone out). Without --credentials the console is open, as the APIs are."""

from __future__ import annotations

import hmac
import secrets
from http.cookies import SimpleCookie

from headwater.wire.credentials import Credentials

COOKIE = "headwater_console"
# Sessions kept at once; the oldest is forgotten first.
MAX_SESSIONS = 1000


class Sessions:
    def __init__(self, credentials: Credentials | None) -> None:
        self.credentials = credentials
        self._accounts: dict[str, str] = {}  # token -> account

    @property
    def required(self) -> bool:
        return self.credentials is not None

    def login(self, access_key: str, secret: str) -> tuple[str, str] | None:
        """(token, account) for a listed key whose secret matches, else None."""
        if self.credentials is None:
            return None
        found = self.credentials.keys.get(access_key)
        if found is None or not hmac.compare_digest(found[0].encode(), secret.encode()):
            return None
        token = secrets.token_urlsafe(32)
        if len(self._accounts) >= MAX_SESSIONS:
            del self._accounts[next(iter(self._accounts))]
        self._accounts[token] = found[1]
        return token, found[1]

    def logout(self, cookie_header: str | None) -> None:
        token = _token(cookie_header)
        if token is not None:
            self._accounts.pop(token, None)

    def account(self, cookie_header: str | None) -> str | None:
        """The account a request's session cookie signs it in to, or None."""
        token = _token(cookie_header)
        return None if token is None else self._accounts.get(token)


def set_cookie(token: str) -> bytes:
    return (f"{COOKIE}={token}; Path=/_headwater/console; HttpOnly; SameSite=Strict").encode()


def clear_cookie() -> bytes:
    return f"{COOKIE}=; Path=/_headwater/console; HttpOnly; SameSite=Strict; Max-Age=0".encode()


def _token(cookie_header: str | None) -> str | None:
    if not cookie_header:
        return None
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except Exception:
        return None
    morsel = cookies.get(COOKIE)
    return morsel.value if morsel is not None and morsel.value else None
