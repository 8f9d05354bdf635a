"""SSESpecification as DescribeTable shows it (SSEDescription); nothing is really encrypted."""

from __future__ import annotations

import uuid
from typing import Any


def sse_description(region: str, account: str, sse: dict[str, Any]) -> dict[str, Any]:
    key = sse.get("KMSMasterKeyId") or "alias/aws/dynamodb"
    if not key.startswith("arn:"):
        key = f"arn:aws:kms:{region}:{account}:key/{uuid.uuid5(uuid.NAMESPACE_URL, key)}"
    return {"Status": "ENABLED", "SSEType": sse.get("SSEType", "KMS"), "KMSMasterKeyArn": key}
