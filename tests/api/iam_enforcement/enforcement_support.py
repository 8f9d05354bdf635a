"""Helpers for the --enforce-iam tests: policy documents, names, ARNs, items and handler
packages. (The server and its callers are fixtures in conftest.py.)"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from typing import Any

ACCOUNT = "000000000000"
OTHER = "111111111111"
LAMBDA_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
     "Action": "sts:AssumeRole"}]})


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str | list[str], resource: str | list[str] = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def deny(action: str | list[str], resource: str | list[str] = "*") -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource}


def name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def table_arn(table: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:dynamodb:us-east-1:{account}:table/{table}"


def item(pk: str = "a") -> dict[str, Any]:
    return {"pk": {"S": pk}}


def zip_source(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", source)
    return buffer.getvalue()
