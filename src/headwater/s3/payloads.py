"""What S3 checks of an uploaded body: its size (5 GiB for one PUT, 5 GiB a part), its
Content-MD5 (InvalidDigest when that is no base64 MD5, BadDigest when it differs) and the
flexible checksums the SDKs send (x-amz-checksum-crc32, -sha1, -sha256, checked; the others are
kept unchecked), as the PutObject and UploadPart API references describe them."""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from collections.abc import Callable
from typing import Any

from headwater.s3.errors import BadDigest, EntityTooLarge, InvalidDigest

MAX_OBJECT = 5 * 1024 ** 3  # a single PUT, and each part
CHECKSUMS = ("ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA1",
             "ChecksumSHA256")
_COMPUTED: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "ChecksumCRC32": ("CRC32", lambda data: zlib.crc32(data).to_bytes(4, "big")),
    "ChecksumSHA1": ("SHA1", lambda data: hashlib.sha1(data).digest()),
    "ChecksumSHA256": ("SHA256", lambda data: hashlib.sha256(data).digest()),
}


def too_large(size: int) -> EntityTooLarge:
    return EntityTooLarge("Your proposed upload exceeds the maximum allowed size",
                          ProposedSize=size, MaxSizeAllowed=MAX_OBJECT)


def check_body(request: dict[str, Any], data: bytes) -> dict[str, str]:
    """Raise S3's error for a body that is too large or does not match its digests; the
    checksums the client sent, to return with the object."""
    if len(data) > MAX_OBJECT:
        raise too_large(len(data))
    md5 = request.get("ContentMD5")
    if md5 is not None:
        try:
            claimed = base64.b64decode(md5, validate=True)
        except (binascii.Error, ValueError):
            claimed = b""
        if len(claimed) != 16:
            raise InvalidDigest("The Content-MD5 you specified was invalid.",
                                **{"Content-MD5": md5})
        if claimed != hashlib.md5(data).digest():
            raise BadDigest("The Content-MD5 you specified did not match what we received.",
                            ExpectedDigest=claimed.hex(),
                            CalculatedDigest=hashlib.md5(data).hexdigest())
    sent: dict[str, str] = {}
    for member in CHECKSUMS:
        value = request.get(member)
        if not isinstance(value, str):
            continue
        computed = _COMPUTED.get(member)
        if computed is not None and value != base64.b64encode(computed[1](data)).decode():
            raise BadDigest(f"The {computed[0]} you specified did not match the calculated "
                            "checksum.")
        sent[member] = value
    return sent
