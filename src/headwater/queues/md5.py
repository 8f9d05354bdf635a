"""MD5 digests SQS returns: of the body, and of message attributes in AWS's binary encoding
(SQS Developer Guide, "Calculating the MD5 message digest for message attributes"): attributes
sorted by name, each as length-prefixed name, length-prefixed data type, one transport byte
(1 string/number, 2 binary) and the length-prefixed value; lengths are 4-byte big-endian."""

from __future__ import annotations

import base64
import hashlib
import struct
from typing import Any

STRING_TRANSPORT = 1
BINARY_TRANSPORT = 2


def body_md5(body: str) -> str:
    return hashlib.md5(body.encode("utf-8")).hexdigest()


def _field(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def attributes_md5(attributes: dict[str, dict[str, Any]]) -> str:
    """Digest of message attributes in their JSON-protocol form (BinaryValue is base64)."""
    digest = hashlib.md5()
    for name in sorted(attributes):
        value = attributes[name]
        data_type = value["DataType"]
        digest.update(_field(name.encode("utf-8")))
        digest.update(_field(data_type.encode("utf-8")))
        if data_type.startswith("Binary"):
            digest.update(bytes([BINARY_TRANSPORT]))
            digest.update(_field(base64.b64decode(value["BinaryValue"])))
        else:
            digest.update(bytes([STRING_TRANSPORT]))
            digest.update(_field(value["StringValue"].encode("utf-8")))
    return digest.hexdigest()
