"""botocore clients that the command line's own commands (`headwater logs`, `headwater stream`,
`headwater alarms`, `headwater metrics`) use to talk to a running server, and its clock."""

from __future__ import annotations

import json
import os
import time
import urllib.request
from typing import Any

import botocore.session
from botocore.config import Config

# Signs as account 000000000000 on a server without --credentials.
DUMMY_KEY = ("000000000000", "headwater")


def local_client(service: str, endpoint: str, region: str) -> Any:
    """A client for `service` at `endpoint`, signing with AWS_ACCESS_KEY_ID /
    AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) when both are set: a server started with
    --credentials needs a listed key, and a 12-digit key id picks the account. Else a dummy key."""
    key = os.environ.get("AWS_ACCESS_KEY_ID")
    secret = os.environ.get("AWS_SECRET_ACCESS_KEY")
    token = os.environ.get("AWS_SESSION_TOKEN")
    if not (key and secret):
        (key, secret), token = DUMMY_KEY, None
    return botocore.session.get_session().create_client(
        service, region_name=region, endpoint_url=endpoint, aws_access_key_id=key,
        aws_secret_access_key=secret, aws_session_token=token,
        config=Config(retries={"max_attempts": 2}))


def server_now(endpoint: str) -> float:
    """The server's clock (GET /_headwater/clock, which the virtual clock moves); this
    machine's time when the server does not answer it."""
    try:
        with urllib.request.urlopen(f"{endpoint.rstrip('/')}/_headwater/clock",
                                    timeout=5) as response:
            return float(json.loads(response.read())["now"])
    except (OSError, ValueError, KeyError):
        return time.time()
