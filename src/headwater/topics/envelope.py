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
    digest = hashlib.sha256(f"{message_id}\n{topic_arn}\n{message}".encode()).digest()
    body["Signature"] = base64.b64encode(digest * 8).decode()
    body["SigningCertURL"] = CERT_URL.format(region=region)
    body["UnsubscribeURL"] = UNSUBSCRIBE_URL.format(region=region, arn=subscription_arn)
    if attributes:
        body["MessageAttributes"] = {
            name: {"Type": value["DataType"],
                   "Value": value.get("StringValue", value.get("BinaryValue"))}
            for name, value in attributes.items()
        }
    return json.dumps(body, indent=2, separators=(",", " : "), ensure_ascii=False)
