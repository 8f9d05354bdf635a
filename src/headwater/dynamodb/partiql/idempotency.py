"""ExecuteTransaction's ClientRequestToken: the same token within 10 minutes answers the first
response without running again; with other parameters it is IdempotentParameterMismatch.

Tokens live in memory per runtime: a restart forgets them (AWS's window is best-effort too).
"""

from __future__ import annotations

import hashlib
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from headwater.dynamodb.errors import IdempotentParameterMismatchException

if TYPE_CHECKING:
    from headwater.core.context import RequestContext
    from headwater.runtime import Runtime

TOKEN_SECONDS = 600
MISMATCH = ("Request with the same ClientRequestToken was already processed with different "
            "parameters")


@dataclass(slots=True)
class _Token:
    digest: str
    expires: float
    response: dict[str, Any]


_TOKENS: weakref.WeakKeyDictionary[Runtime, dict[tuple[str, str, str], _Token]] = (
    weakref.WeakKeyDictionary())


def _digest(request: dict[str, Any]) -> str:
    body = {k: v for k, v in request.items() if k != "ClientRequestToken"}
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _tokens(ctx: RequestContext) -> dict[tuple[str, str, str], _Token]:
    tokens = _TOKENS.setdefault(ctx.runtime, {})
    now = ctx.runtime.clock.now()
    for stale in [key for key, token in tokens.items() if token.expires <= now]:
        del tokens[stale]
    return tokens


def replayed(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any] | None:
    """The earlier response for this token, or None to run the request."""
    if "ClientRequestToken" not in request:
        return None
    token = _tokens(ctx).get((ctx.account, ctx.region, request["ClientRequestToken"]))
    if token is None:
        return None
    if token.digest != _digest(request):
        raise IdempotentParameterMismatchException(MISMATCH)
    return token.response


def remember(ctx: RequestContext, request: dict[str, Any], response: dict[str, Any]) -> None:
    if "ClientRequestToken" in request:
        _tokens(ctx)[(ctx.account, ctx.region, request["ClientRequestToken"])] = _Token(
            _digest(request), ctx.runtime.clock.now() + TOKEN_SECONDS, response)
