"""Shard iterators: opaque, tamper-evident strings in AWS's shape `<StreamArn>|1|<base64>`
(aws-facts §1.4). The blob holds the shard, the next sequence number to read and the issue time,
signed with HMAC-SHA256 under a secret kept in the database, so an iterator survives a restart
but cannot be forged or edited. Iterators expire 15 minutes of clock time after issue."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
from dataclasses import dataclass

from headwater.streams.errors import EXPIRED, ExpiredIteratorException, ValidationException

ITERATOR_LIFETIME = 15 * 60.0
_VERSION = "1"
_PAYLOAD = struct.Struct(">QQQ")  # shard row id, next sequence to read, issue time (ms)
_MAC_BYTES = 18  # 24 + 18 bytes: base64 without padding, so every character carries bits
INVALID = "Invalid ShardIterator"


@dataclass(frozen=True, slots=True)
class Position:
    stream_arn: str
    shard: int  # the shard's row id
    next_seq: int  # the first sequence number (counter value) still to read
    issued: float  # clock time of issue, epoch seconds


def encode(position: Position, secret: bytes) -> str:
    payload = _PAYLOAD.pack(position.shard, position.next_seq, round(position.issued * 1000))
    mac = _mac(secret, position.stream_arn, payload)
    blob = base64.b64encode(payload + mac).decode("ascii")
    return f"{position.stream_arn}|{_VERSION}|{blob}"


def decode(text: str, secret: bytes) -> Position:
    """The position an iterator names; ValidationException when it is not one of ours."""
    arn, _, rest = text.partition("|")
    version, _, blob = rest.partition("|")
    if not arn or version != _VERSION:
        raise ValidationException(INVALID)
    try:
        raw = base64.b64decode(blob, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationException(INVALID) from None
    if len(raw) != _PAYLOAD.size + _MAC_BYTES or base64.b64encode(raw).decode() != blob:
        raise ValidationException(INVALID)
    payload, mac = raw[:_PAYLOAD.size], raw[_PAYLOAD.size:]
    if not hmac.compare_digest(mac, _mac(secret, arn, payload)):
        raise ValidationException(INVALID)
    shard, next_seq, issued_ms = _PAYLOAD.unpack(payload)
    return Position(arn, shard, next_seq, issued_ms / 1000)


def check_age(position: Position, now: float) -> None:
    if now - position.issued > ITERATOR_LIFETIME:
        raise ExpiredIteratorException(EXPIRED)


def _mac(secret: bytes, arn: str, payload: bytes) -> bytes:
    return hmac.new(secret, arn.encode() + b"|" + payload, hashlib.sha256).digest()[:_MAC_BYTES]
