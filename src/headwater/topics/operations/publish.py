"""Publish: checks, then delivery to every SQS subscription in the publish's transaction."""

from __future__ import annotations

from typing import Any

import orjson

from headwater.topics.context import RequestContext
from headwater.topics.errors import ParameterValueInvalid, invalid

MAX_MESSAGE = 262144
MAX_SUBJECT = 100
TYPES = ("String", "String.Array", "Number", "Binary")


def publish(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """Publish to a topic. Deviation: TargetArn must be a topic; PhoneNumber is rejected."""
    if request.get("PhoneNumber"):
        raise invalid("Headwater does not deliver SMS")
    arn = request.get("TopicArn") or request.get("TargetArn")
    if not arn:
        raise invalid("TopicArn or TargetArn Reason: no value for required parameter")
    content, subject, attributes = check_message(request)
    topics = ctx.runtime.topics
    topic = topics.get(arn, "TopicArn" if request.get("TopicArn") else "TargetArn")
    return {"MessageId": topics.deliver(topic, content, subject, attributes)}


def check_message(request: dict[str, Any]
                  ) -> tuple[str | dict[str, str], str | None, dict[str, Any] | None]:
    """(message or per-protocol messages, subject, attributes) of a Publish or batch entry."""
    message = request["Message"]
    if not message:
        raise invalid("Empty message")
    if len(message.encode("utf-8")) > MAX_MESSAGE:
        raise invalid("Message too long")
    subject = request.get("Subject")
    if subject is not None and (not subject or len(subject) > MAX_SUBJECT
                                or not subject.isprintable() or not subject.isascii()):
        raise invalid("Subject")
    attributes = _check_attributes(request.get("MessageAttributes"))
    content: str | dict[str, str] = message
    if request.get("MessageStructure") == "json":
        content = _structured(message)
    elif request.get("MessageStructure") is not None:
        raise invalid("MessageStructure")
    return content, subject, attributes


def _structured(message: str) -> dict[str, str]:
    try:
        parsed = orjson.loads(message)
    except orjson.JSONDecodeError:
        raise invalid("Message Structure - JSON message body failed to parse") from None
    if not isinstance(parsed, dict) or "default" not in parsed:
        raise invalid("Message Structure - No default entry in JSON message body")
    return {key: value if isinstance(value, str) else orjson.dumps(value).decode()
            for key, value in parsed.items()}


def _check_attributes(attributes: dict[str, Any] | None) -> dict[str, Any] | None:
    if not attributes:
        return None
    checked = {}
    for name, value in attributes.items():
        data_type = value.get("DataType") or ""
        if data_type not in TYPES and not data_type.startswith(("String.", "Number.",
                                                                 "Binary.")):
            raise ParameterValueInvalid(
                f"The message attribute '{name}' has an invalid message attribute type, the "
                "set of supported type prefixes is Binary, Number, and String."
            )
        key = "BinaryValue" if data_type.startswith("Binary") else "StringValue"
        if not value.get(key):
            raise ParameterValueInvalid(
                f"The message attribute '{name}' must contain non-empty message attribute "
                f"value for message attribute type '{data_type.split('.')[0]}'."
            )
        checked[name] = {"DataType": data_type, key: value[key]}
    return checked
