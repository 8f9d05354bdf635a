"""ClientRequestToken idempotency for TransactWriteItems and ExecuteTransaction: within 10
minutes of clock time the same token answers the first response without running again; with
other parameters it is IdempotentParameterMismatchException (AWS API reference
"TransactWriteItems").

Tokens are stored in `ddb_request_tokens`, written by `remember` inside the transaction that
makes the request's writes: both commit or neither does, so a client that retries after a
crash (its first answer lost) gets the first answer, and the writes are applied once.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from headwater.core.clock import Clock
from headwater.core.storage import Storage
from headwater.dynamodb.errors import IdempotentParameterMismatchException

TOKEN_SECONDS = 600
MISMATCH = ("Request with the same ClientRequestToken was already processed with different "
            "parameters")


class RequestTokens:
    def __init__(self, storage: Storage, clock: Clock) -> None:
        self.storage = storage
        self.clock = clock

    def replayed(self, operation: str, account: str, region: str, request: dict[str, Any]
                 ) -> dict[str, Any] | None:
        """The earlier response for the request's token, or None to run the request."""
        if "ClientRequestToken" not in request:
            return None
        row = self.storage.conn.execute(
            "SELECT digest, response FROM ddb_request_tokens WHERE operation = ? AND account = ?"
            " AND region = ? AND token = ? AND expires > ?",
            (operation, account, region, str(request["ClientRequestToken"]), self.clock.now()),
        ).fetchone()
        if row is None:
            return None
        if row[0] != _digest(request):
            raise IdempotentParameterMismatchException(MISMATCH)
        response: dict[str, Any] = orjson.loads(row[1])
        return response

    def remember(self, operation: str, account: str, region: str, request: dict[str, Any],
                 response: dict[str, Any]) -> None:
        """Keep the response for the request's token; call inside the transaction of the
        request's writes. Expired tokens are dropped on the way."""
        if "ClientRequestToken" not in request:
            return
        now = self.clock.now()
        with self.storage.transaction() as conn:
            conn.execute("DELETE FROM ddb_request_tokens WHERE expires <= ?", (now,))
            conn.execute(
                "INSERT OR REPLACE INTO ddb_request_tokens (operation, account, region, token,"
                " digest, expires, response) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (operation, account, region, str(request["ClientRequestToken"]),
                 _digest(request), now + TOKEN_SECONDS, orjson.dumps(response)))


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
