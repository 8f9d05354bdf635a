"""What an SQS subscriber receives from a publish: the message itself (RawMessageDelivery) or
the standard SNS notification JSON, formatted as SNS formats it (`"Key" : value`, two-space
indent) with fields in SNS's order. Signatures are not real: nothing here holds a key."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

CERT_URL = "https://sns.{region}.amazonaws.com/SimpleNotificationService-headwater.pem"
UNSUBSCRIBE_URL = "https://sns.{region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={arn}"


def timestamp(now: float) -> str:
    """ISO 8601 with milliseconds and Z, as SNS writes Timestamp."""
    moment = datetime.fromtimestamp(now, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def lambda_event(*, message_id: str, topic_arn: str, subscription_arn: str, region: str,
                 message: str, subject: str | None, attributes: dict[str, Any] | None,
                 now: float) -> bytes:
    """The event a Lambda subscriber gets (Lambda Developer Guide, "Using Lambda with Amazon
    SNS"): Subject is null when absent, MessageAttributes always present, and the URL keys
    are spelled SigningCertUrl and UnsubscribeUrl."""
    sns = {
        "Type": "Notification", "MessageId": message_id, "TopicArn": topic_arn,
        "Subject": subject, "Message": message, "Timestamp": timestamp(now),
        "SignatureVersion": "1", "Signature": _signature(message_id, topic_arn, message),
        "SigningCertUrl": CERT_URL.format(region=region),
        "UnsubscribeUrl": UNSUBSCRIBE_URL.format(region=region, arn=subscription_arn),
        "MessageAttributes": _attributes(attributes),
    }
    record = {"EventSource": "aws:sns", "EventVersion": "1.0",
              "EventSubscriptionArn": subscription_arn, "Sns": sns}
    return json.dumps({"Records": [record]}, ensure_ascii=False).encode()


def _signature(message_id: str, topic_arn: str, message: str) -> str:
    digest = hashlib.sha256(f"{message_id}\n{topic_arn}\n{message}".encode()).digest()
    return base64.b64encode(digest * 8).decode()


def _attributes(attributes: dict[str, Any] | None) -> dict[str, Any]:
    return {name: {"Type": value["DataType"],
                   "Value": value.get("StringValue", value.get("BinaryValue"))}
            for name, value in (attributes or {}).items()}


def notification(*, message_id: str, topic_arn: str, subscription_arn: str, region: str,
                 message: str, subject: str | None, attributes: dict[str, Any] | None,
                 now: float) -> str:
    body: dict[str, Any] = {"Type": "Notification", "MessageId": message_id,
                            "TopicArn": topic_arn}
    if subject is not None:
        body["Subject"] = subject
    body["Message"] = message
    body["Timestamp"] = timestamp(now)
    body["SignatureVersion"] = "1"
    body["Signature"] = _signature(message_id, topic_arn, message)
    body["SigningCertURL"] = CERT_URL.format(region=region)
    body["UnsubscribeURL"] = UNSUBSCRIBE_URL.format(region=region, arn=subscription_arn)
    if attributes:
        body["MessageAttributes"] = _attributes(attributes)
    return json.dumps(body, indent=2, separators=(",", " : "), ensure_ascii=False)
