"""The keys `headwater serve --credentials FILE` accepts, and the per-account keys it gives
function workers.

FILE uses the syntax of ~/.aws/credentials: one section per key (the section name is only a
label), `aws_access_key_id` and `aws_secret_access_key`, and optionally `aws_account_id`, the
12-digit account the key acts in (default: the key id itself when it is 12 digits, else
000000000000, as without --credentials).

Function workers sign their own boto3 calls with the function's account as key id, the session
token WORKER_TOKEN and a secret derived from a random server secret and that account, so a
function can act in its own account only, and no key has to be written into the file for it.
"""

from __future__ import annotations

import configparser
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from headwater.wire.sigv4 import default_account

# The AWS_SESSION_TOKEN function workers are given (functions/sandbox.py).
WORKER_TOKEN = "headwater"
KEY_ID = "aws_access_key_id"
SECRET = "aws_secret_access_key"
ACCOUNT = "aws_account_id"


class CredentialsError(ValueError):
    """A credentials file that cannot be used; the message says why."""


@dataclass(frozen=True)
class Credentials:
    keys: dict[str, tuple[str, str]]  # access key id -> (secret, account)
    internal: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    @classmethod
    def load(cls, path: Path) -> Credentials:
        parser = configparser.ConfigParser(interpolation=None, default_section="\0")
        try:
            with path.open(encoding="utf-8") as file:
                parser.read_file(file)
        except (OSError, UnicodeDecodeError, configparser.Error) as error:
            raise CredentialsError(f"cannot read {path}: {error}") from None
        keys: dict[str, tuple[str, str]] = {}
        for name in parser.sections():
            section = parser[name]
            key_id, secret = section.get(KEY_ID, "").strip(), section.get(SECRET, "").strip()
            if not key_id or not secret:
                raise CredentialsError(f"{path} [{name}]: needs {KEY_ID} and {SECRET}")
            account = section.get(ACCOUNT, "").strip() or default_account(key_id)
            if len(account) != 12 or not account.isdigit():
                raise CredentialsError(f"{path} [{name}]: {ACCOUNT} must be 12 digits")
            if key_id in keys:
                raise CredentialsError(f"{path} [{name}]: {key_id} is listed twice")
            keys[key_id] = (secret, account)
        if not keys:
            raise CredentialsError(f"{path} lists no keys")
        return cls(keys)

    def lookup(self, access_key: str, token: str) -> tuple[str, str] | None:
        """(secret, account) of a key, or None when it is unknown."""
        if token == WORKER_TOKEN and len(access_key) == 12 and access_key.isdigit():
            return self.worker_secret(access_key), access_key
        return self.keys.get(access_key)

    def worker_secret(self, account: str) -> str:
        """The secret a function worker of `account` signs with."""
        return hmac.new(self.internal, account.encode(), hashlib.sha256).hexdigest()
