"""botocore clients that the command line's own commands (`headwater logs`, `headwater stream`)
use to talk to a running server."""

from __future__ import annotations

import os
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
