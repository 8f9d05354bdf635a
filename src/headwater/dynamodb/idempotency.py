"""ClientRequestToken idempotency for TransactWriteItems and ExecuteTransaction: within 10
minutes of clock time the same token answers the first response without running again; with
other parameters it is IdempotentParameterMismatchException (AWS API reference
"TransactWriteItems").

Tokens live in memory: a restart forgets them, as AWS's idempotency window is best-effort.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson

from headwater.core.clock import Clock
from headwater.dynamodb.errors import IdempotentParameterMismatchException

TOKEN_SECONDS = 600
MISMATCH = ("Request with the same ClientRequestToken was already processed with different "
            "parameters")

TokenKey = tuple[str, str, str, str]  # operation, account, region, token


@dataclass(slots=True)
class _Token:
    digest: str
    expires: float
    response: dict[str, Any]


class RequestTokens:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._tokens: dict[TokenKey, _Token] = {}

    def replayed(self, operation: str, account: str, region: str, request: dict[str, Any]
                 ) -> dict[str, Any] | None:
        """The earlier response for the request's token, or None to run the request."""
        if "ClientRequestToken" not in request:
            return None
        self._expire()
        token = self._tokens.get(_key(operation, account, region, request))
        if token is None:
            return None
        if token.digest != _digest(request):
            raise IdempotentParameterMismatchException(MISMATCH)
        return token.response

    def remember(self, operation: str, account: str, region: str, request: dict[str, Any],
                 response: dict[str, Any]) -> None:
        if "ClientRequestToken" in request:
            self._tokens[_key(operation, account, region, request)] = _Token(
                _digest(request), self.clock.now() + TOKEN_SECONDS, response)

    def _expire(self) -> None:
        now = self.clock.now()
        for stale in [key for key, token in self._tokens.items() if token.expires <= now]:
            del self._tokens[stale]


def _key(operation: str, account: str, region: str, request: dict[str, Any]) -> TokenKey:
    return operation, account, region, str(request["ClientRequestToken"])


def _digest(request: dict[str, Any]) -> str:
    """The parameters' fingerprint; "" for a request nested too deep to encode (orjson stops at
    254 levels), which cannot equal a remembered one: only requests that succeeded, whose
    attribute values are at most 32 levels deep, are remembered."""
    body = {k: v for k, v in request.items() if k != "ClientRequestToken"}
    try:
        encoded = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        return ""
    return hashlib.sha256(encoded).hexdigest()
