"""botocore clients that the command line's own commands (`headwater logs`, `headwater stream`,
`headwater alarms`, `headwater metrics`) use to talk to a running server, and its clock."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import botocore.exceptions
import botocore.session
import urllib3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

# Signs as account 000000000000 on a server without --credentials.
DUMMY_KEY = ("000000000000", "headwater")


def _session(profile: str | None) -> Any:
    session = botocore.session.get_session()
    if profile:
        session.set_config_variable("profile", profile)
    return session


def _keys(session: Any) -> tuple[str, str, str | None]:
    """(key id, secret, token): the environment's, else the profile's, else the dummy key."""
    key = os.environ.get("AWS_ACCESS_KEY_ID")
    secret = os.environ.get("AWS_SECRET_ACCESS_KEY")
    if key and secret:
        return key, secret, os.environ.get("AWS_SESSION_TOKEN")
    try:
        found = session.get_credentials()
    except botocore.exceptions.BotoCoreError:
        found = None
    if found is not None and found.access_key and found.secret_key:
        return found.access_key, found.secret_key, found.token
    return DUMMY_KEY[0], DUMMY_KEY[1], None


def control_request(method: str, url: str, body: bytes | None = None,
                    profile: str | None = None) -> urllib3.BaseHTTPResponse:
    """A request to a server's /_headwater/ endpoint, SigV4-signed (service `headwater`) with
    the keys `local_client` would use: a server started with --credentials refuses it
    unsigned. Raises urllib3's HTTPError when the server does not answer."""
    key, secret, token = _keys(_session(profile))
    request = AWSRequest(method=method, url=url, data=body or b"")
    SigV4Auth(Credentials(key, secret, token), "headwater",
              resolve_region(None, profile)).add_auth(request)
    prepared = request.prepare()
    return urllib3.request(method, url, body=body, headers=dict(prepared.headers),
                           retries=False, timeout=120)


def resolve_region(region: str | None, profile: str | None = None) -> str:
    """As the aws CLI picks it: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's
    `region` in the shared config file (~/.aws/config, AWS_CONFIG_FILE), else us-east-1."""
    if region:
        return region
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if os.environ.get(name):
            return os.environ[name]
    configured = _session(profile).get_config_variable("region")
    return str(configured) if configured else "us-east-1"


def local_client(service: str, endpoint: str, region: str, profile: str | None = None) -> Any:
    """A client for `service` at `endpoint`, signing with AWS_ACCESS_KEY_ID /
    AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) when both are set, else with the profile's
    keys in the shared files (--profile or AWS_PROFILE, else `default`): a server started with
    --credentials needs a listed key, and a 12-digit key id picks the account. Else a dummy key."""
    session = _session(profile)
    key, secret, token = _keys(session)
    return session.create_client(
        service, region_name=region, endpoint_url=endpoint, aws_access_key_id=key,
        aws_secret_access_key=secret, aws_session_token=token,
        config=Config(retries={"max_attempts": 2}))


def server_now(endpoint: str, profile: str | None = None) -> float:
    """The server's clock (GET /_headwater/clock, which the virtual clock moves, signed as
    `control_request` signs); this machine's time when the server does not answer it."""
    try:
        response = control_request("GET", f"{endpoint.rstrip('/')}/_headwater/clock", None,
                                   profile)
        return float(json.loads(response.data)["now"])
    except (urllib3.exceptions.HTTPError, ValueError, KeyError):
        return time.time()
