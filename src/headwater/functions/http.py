"""Lambda's REST paths on the server's port: `/2015-03-31/`, `/2017-03-31/` (tags),
`/2017-10-31/`, `/2019-09-25/` (event invoke configs), `/2019-09-30/`."""

from __future__ import annotations

import functools
from typing import Any

from headwater.core.context import RequestContext
from headwater.core.ids import new_uuid
from headwater.functions import access
from headwater.functions.service import OPERATIONS, PRECHECKS
from headwater.wire.http_server import Request, Response
from headwater.wire.rest_json import RestJsonService
from headwater.wire.sigv4 import Caller

PREFIXES = ("/2015-03-31/", "/2017-03-31/", "/2017-10-31/", "/2019-09-25/", "/2019-09-30/")


@functools.cache
def lambda_service() -> RestJsonService:
    """The rest-json service; other packages (event source mappings) may `add()` operations."""
    return RestJsonService("lambda", OPERATIONS, PRECHECKS, access.authorize)


def is_lambda_path(path: str) -> bool:
    return path.startswith(PREFIXES)


async def handle(runtime: Any, who: Caller, request: Request) -> Response:
    """A Lambda request from `who` (account, region: the verified caller under --credentials)."""
    ctx = RequestContext(*who, new_uuid(), runtime)
    return await lambda_service().handle(ctx, request.method, request.path, request.query,
                                         request.headers, request.body)
