"""Lambda set-up shared by the function and trigger benchmarks (not measured): a handler's source
as a deployment zip, and a table with a stream plus a Python function for a mapping to join."""

from __future__ import annotations

import io
import zipfile
from typing import Any

CREDENTIALS = {"aws_access_key_id": "000000000000", "aws_secret_access_key": "x",
               "region_name": "us-east-1"}
ROLE = "arn:aws:iam::000000000000:role/bench"


def zipped(source: str | bytes, filename: str = "handler.py") -> bytes:
    """A deployment package holding one file, `filename`, with `source` in it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(filename, source)
    return buffer.getvalue()


def create_stream_function(ddb: Any, lam: Any, name: str, source: str,
                           **function: Any) -> str:
    """Table `name` keyed by `pk` (S) with a NEW_IMAGE stream, and function `name` running
    `source` as handler.handler on python3.12 (60 s timeout; `function` adds CreateFunction
    arguments). Returns the stream's ARN."""
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    lam.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE,
                        Handler="handler.handler", Code={"ZipFile": zipped(source)},
                        Timeout=60, **function)
    return str(ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"])
