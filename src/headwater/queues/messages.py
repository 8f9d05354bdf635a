"""Message checks (body characters, size, message attributes) and the message shape
ReceiveMessage returns, with receipt handles."""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from headwater.queues.errors import (
    InvalidMessageContents,
    InvalidParameterValue,
    MissingParameter,
    ReceiptHandleIsInvalid,
)
from headwater.queues.md5 import attributes_md5, body_md5
from headwater.queues.store import StoredMessage

INVALID_CHARACTERS = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,256}")
MAX_ATTRIBUTES = 10
SYSTEM_ATTRIBUTES = ("SenderId", "SentTimestamp", "ApproximateReceiveCount",
                     "ApproximateFirstReceiveTimestamp", "AWSTraceHeader", "MessageGroupId",
                     "MessageDeduplicationId", "SequenceNumber", "DeadLetterQueueSourceArn")


def check_body(body: str, max_size: int, attributes: dict[str, Any] | None) -> None:
    if not body:
        raise MissingParameter("The request must contain the parameter MessageBody.")
    if INVALID_CHARACTERS.search(body):
        raise InvalidMessageContents(
            "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | "
            "#x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"
        )
    if message_size(body, attributes) > max_size:
        raise InvalidParameterValue(
            f"One or more parameters are invalid. Reason: Message must be shorter than "
            f"{max_size} bytes."
        )


def message_size(body: str, attributes: dict[str, Any] | None) -> int:
    """Bytes counted against MaximumMessageSize: body plus attribute names, types, values."""
    size = len(body.encode("utf-8"))
    for name, value in (attributes or {}).items():
        size += len(name.encode()) + len((value.get("DataType") or "").encode())
        binary = value.get("BinaryValue")
        if binary:
            size += (len(binary) * 3) // 4
        else:
            size += len((value.get("StringValue") or "").encode())
    return size


def check_attributes(attributes: dict[str, Any] | None) -> dict[str, Any] | None:
    """Validate message attributes; returns them keeping only DataType and the value."""
    if not attributes:
        return None
    if len(attributes) > MAX_ATTRIBUTES:
        raise InvalidParameterValue(
            f"Number of message attributes [{len(attributes)}] exceeds the allowed maximum "
            f"[{MAX_ATTRIBUTES}]."
        )
    checked: dict[str, Any] = {}
    for name, value in attributes.items():
        _check_attribute_name(name)
        data_type = value.get("DataType") or ""
        base = data_type.split(".", 1)[0]
        if base not in ("String", "Number", "Binary"):
            raise InvalidParameterValue(
                f"The type of message (user) attribute '{name}' is invalid. You must use only "
                "the following supported type prefixes: Binary, Number, String."
            )
        key = "BinaryValue" if base == "Binary" else "StringValue"
        content = value.get(key)
        if not content:
            raise InvalidParameterValue(
                f"Message (user) attribute '{name}' must contain a non-empty value of message "
                f"attribute type '{base}'."
            )
        if base == "Binary":
            try:
                base64.b64decode(content, validate=True)
            except binascii.Error:
                raise InvalidParameterValue(
                    f"Message (user) attribute '{name}' has an invalid binary value."
                ) from None
        if base == "Number":
            _check_number(name, content)
        checked[name] = {"DataType": data_type, key: content}
    return checked


def _check_attribute_name(name: str) -> None:
    lowered = name.lower()
    if (not ATTRIBUTE_NAME.fullmatch(name) or name.startswith(".") or name.endswith(".")
            or ".." in name or lowered.startswith(("aws.", "amazon."))):
        raise InvalidParameterValue(f"Message (user) attribute name '{name}' is invalid.")


def _check_number(name: str, text: str) -> None:
    try:
        Decimal(text)
    except InvalidOperation:
        raise InvalidParameterValue(
            f"Can't cast the value of message (user) attribute '{name}' to a number."
        ) from None


def new_receipt(queue_id: int, message: StoredMessage) -> tuple[str, str]:
    """(token stored with the message, receipt handle given to the receiver)."""
    token = secrets.token_urlsafe(24)
    raw = f"{queue_id}:{message.id}:{message.message_id}:{token}".encode()
    return token, base64.b64encode(raw).decode()


def parse_receipt(handle: str) -> tuple[int, int, str]:
    """(queue id, message row id, token) from a receipt handle."""
    try:
        queue_id, row_id, _, token = base64.b64decode(handle, validate=True).decode().split(":")
        return int(queue_id), int(row_id), token
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise ReceiptHandleIsInvalid(
            f'The input receipt handle "{handle}" is not a valid receipt handle.'
        ) from None


def wanted_system(names: list[str]) -> tuple[str, ...]:
    if "All" in names:
        return SYSTEM_ATTRIBUTES
    return tuple(name for name in SYSTEM_ATTRIBUTES if name in names)


def wanted_attributes(attributes: dict[str, Any] | None, names: list[str]
                      ) -> dict[str, Any]:
    if not attributes or not names:
        return {}
    if "All" in names or ".*" in names:
        return dict(attributes)
    prefixes = tuple(name[:-1] for name in names if name.endswith(".*"))
    return {name: value for name, value in attributes.items()
            if name in names or (prefixes and name.startswith(prefixes))}


def received(message: StoredMessage, receipt: str, system: tuple[str, ...],
             attribute_names: list[str], receive_count: int, first_receive: float,
             ) -> dict[str, Any]:
    """One entry of ReceiveMessage's Messages, after this receive."""
    out: dict[str, Any] = {
        "MessageId": message.message_id,
        "ReceiptHandle": receipt,
        "MD5OfBody": body_md5(message.body),
        "Body": message.body,
    }
    if system:
        stored = message.system or {}
        values = {
            "SenderId": stored.get("SenderId", ""),
            "AWSTraceHeader": stored.get("AWSTraceHeader"),
            "MessageGroupId": stored.get("MessageGroupId"),
            "MessageDeduplicationId": stored.get("MessageDeduplicationId"),
            "SequenceNumber": stored.get("SequenceNumber"),
            "DeadLetterQueueSourceArn": stored.get("DeadLetterQueueSourceArn"),
            "SentTimestamp": str(int(message.sent * 1000)),
            "ApproximateReceiveCount": str(receive_count),
            "ApproximateFirstReceiveTimestamp": str(int(first_receive * 1000)),
        }
        out["Attributes"] = {name: values[name] for name in system
                             if values[name] is not None}
    attributes = wanted_attributes(message.attributes, attribute_names)
    if attributes:
        out["MD5OfMessageAttributes"] = attributes_md5(attributes)
        out["MessageAttributes"] = attributes
    return out
