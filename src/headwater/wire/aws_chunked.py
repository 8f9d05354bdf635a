"""`aws-chunked` request bodies (an encoding only S3 takes, hence S3's error names), as boto3
and the aws CLI send them (S3 API reference,
"Signature calculations for the Authorization header: Transferring payload in multiple chunks
(chunked upload)" and "... including trailing headers"):

    x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD
        <hex size>;chunk-signature=<sig>\\r\\n<data>\\r\\n ... 0;chunk-signature=<sig>\\r\\n\\r\\n
    x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER
        <hex size>\\r\\n<data>\\r\\n ... 0\\r\\nx-amz-checksum-crc32:<b64>\\r\\n\\r\\n

Each chunk's signature chains from the request's own signature: HMAC of
"AWS4-HMAC-SHA256-PAYLOAD\\n<date>\\n<scope>\\n<previous signature>\\n<SHA-256 of ''>\\n
<SHA-256 of the chunk>" with the request's signing key (`verify_chunks`)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from headwater.wire.errors import AwsError


class InvalidRequest(AwsError):
    code = "InvalidRequest"


class IncompleteBody(AwsError):
    code = "IncompleteBody"


class SignatureDoesNotMatch(AwsError):
    code = "SignatureDoesNotMatch"
    status = 403

SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
STREAMING = frozenset({SIGNED, SIGNED_TRAILER, UNSIGNED_TRAILER})
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
MALFORMED = "Invalid chunked upload body"


@dataclass(slots=True)
class Decoded:
    data: bytes
    # (chunk bytes' SHA-256 hex, signature) per chunk, the final empty one included.
    signatures: list[tuple[str, str]] = field(default_factory=list)
    trailers: dict[str, str] = field(default_factory=dict)


def is_chunked(headers: dict[str, str]) -> bool:
    return (headers.get("x-amz-content-sha256") in STREAMING
            or "aws-chunked" in headers.get("content-encoding", ""))


def decode(body: bytes, decoded_length: str | None) -> Decoded:
    """The payload inside an aws-chunked body; InvalidRequest when it is not one, and
    IncompleteBody when it holds fewer or more bytes than x-amz-decoded-content-length."""
    pieces: list[bytes] = []
    signatures: list[tuple[str, str]] = []
    view = memoryview(body)
    position = 0
    while True:
        end = body.find(b"\r\n", position)
        if end < 0:
            raise InvalidRequest(MALFORMED)
        head = body[position:end].decode("latin-1")
        size_text, _, extension = head.partition(";")
        try:
            size = int(size_text.strip(), 16)
        except ValueError:
            raise InvalidRequest(MALFORMED) from None
        signature = ""
        if extension.startswith("chunk-signature="):
            signature = extension[len("chunk-signature="):].strip()
        start = end + 2
        if size == 0:
            signatures.append((EMPTY_SHA256, signature))
            trailers = _trailers(body[start:])
            break
        if start + size + 2 > len(body) or body[start + size:start + size + 2] != b"\r\n":
            raise InvalidRequest(MALFORMED)
        chunk = view[start:start + size]
        if signature:
            signatures.append((hashlib.sha256(chunk).hexdigest(), signature))
        pieces.append(bytes(chunk))
        position = start + size + 2
    data = b"".join(pieces)
    if decoded_length is not None and decoded_length.isdigit() \
            and int(decoded_length) != len(data):
        raise IncompleteBody("You did not provide the number of bytes specified by the "
                             "Content-Length HTTP header")
    return Decoded(data, signatures, trailers)


def _trailers(rest: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in rest.decode("latin-1").split("\r\n"):
        name, colon, value = line.partition(":")
        if colon:
            found[name.strip().lower()] = value.strip()
    return found


def verify_chunks(decoded: Decoded, signing_key: bytes, date: str, scope: str, seed: str
                  ) -> None:
    """SignatureDoesNotMatch unless every chunk signature chains from `seed` (the request's
    signature) under `signing_key`."""
    previous = seed
    for digest, signature in decoded.signatures:
        to_sign = (f"AWS4-HMAC-SHA256-PAYLOAD\n{date}\n{scope}\n{previous}\n{EMPTY_SHA256}\n"
                   f"{digest}")
        expected = hmac.digest(signing_key, to_sign.encode(), "sha256").hex()
        if not hmac.compare_digest(expected, signature):
            raise SignatureDoesNotMatch(
                "The request signature we calculated does not match the signature you "
                "provided. Check your key and signing method.")
        previous = signature
