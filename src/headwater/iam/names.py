"""IAM's identifiers: ARNs of roles, users, policies and role sessions, the unique ids IAM
gives each entity (a 4-letter prefix and 17 upper-case letters and digits: AROA roles, AIDA
users, ANPA policies), access key ids (AKIA long-term, ASIA temporary) and secrets."""

from __future__ import annotations

import base64
import re
import secrets
import string

ALPHABET = string.ascii_uppercase + "234567"
ROLE_ARN = re.compile(r"arn:aws[a-zA-Z-]*:iam::(\d{12}):role/(?:(.*)/)?([^/]+)")
USER_ARN = re.compile(r"arn:aws[a-zA-Z-]*:iam::(\d{12}):user/(?:(.*)/)?([^/]+)")
SESSION_ARN = re.compile(r"arn:aws[a-zA-Z-]*:sts::(\d{12}):assumed-role/([^/]+)/(.+)")
AWS_POLICY_PREFIX = "arn:aws:iam::aws:policy"


def unique_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(17))


def access_key_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(16))


def secret_key() -> str:
    return base64.b64encode(secrets.token_bytes(30)).decode()


def session_token() -> str:
    return "IQoJb3JpZ2luX2VjE" + base64.b64encode(secrets.token_bytes(240)).decode()


def entity_arn(account: str, kind: str, path: str, name: str) -> str:
    """arn:aws:iam::ACCOUNT:KIND/PATH/NAME (`path` begins and ends with "/")."""
    return f"arn:aws:iam::{account}:{kind}{path}{name}"


def session_arn(account: str, role_name: str, session_name: str) -> str:
    return f"arn:aws:sts::{account}:assumed-role/{role_name}/{session_name}"


def policy_arn(account: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account}:policy{path}{name}"
