"""Queue attributes: defaults, the settable ones with their ranges, and the computed ones
(CreateQueue, SetQueueAttributes and GetQueueAttributes in the SQS API reference)."""

from __future__ import annotations

import orjson

from headwater.queues.errors import InvalidAttributeName, InvalidAttributeValue

DEFAULTS = {
    "DelaySeconds": "0",
    "MaximumMessageSize": "1048576",
    "MessageRetentionPeriod": "345600",
    "ReceiveMessageWaitTimeSeconds": "0",
    "VisibilityTimeout": "30",
    "SqsManagedSseEnabled": "true",
}
RANGES = {
    "DelaySeconds": (0, 900),
    "MaximumMessageSize": (1024, 1048576),
    "MessageRetentionPeriod": (60, 1209600),
    "ReceiveMessageWaitTimeSeconds": (0, 20),
    "VisibilityTimeout": (0, 43200),
    "KmsDataKeyReusePeriodSeconds": (60, 86400),
}
FIFO_DEFAULTS = {
    "FifoQueue": "true",
    "ContentBasedDeduplication": "false",
    "DeduplicationScope": "queue",
    "FifoThroughputLimit": "perQueue",
}
FIFO_ONLY = frozenset(FIFO_DEFAULTS)
ENUMS = {"DeduplicationScope": ("messageGroup", "queue"),
         "FifoThroughputLimit": ("perQueue", "perMessageGroupId")}
BOOLEANS = frozenset({"SqsManagedSseEnabled", "FifoQueue", "ContentBasedDeduplication"})
FREE_FORM = frozenset({"Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId",
                       "DeduplicationScope", "FifoThroughputLimit"})
SETTABLE = frozenset(RANGES) | BOOLEANS | FREE_FORM
COMPUTED = (
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "QueueArn",
)
KNOWN = SETTABLE | frozenset(COMPUTED)


def is_fifo(attributes: dict[str, str]) -> bool:
    return attributes.get("FifoQueue", "false").lower() == "true"


def check(attributes: dict[str, str], creating: bool, fifo: bool) -> dict[str, str]:
    """Validate attributes a caller sets on a standard or FIFO queue; returns them
    normalised. FifoQueue is set at creation only; the FIFO settings exist on FIFO queues."""
    for name, value in attributes.items():
        if name not in SETTABLE or (name in FIFO_ONLY and not fifo and
                                    not (creating and name == "FifoQueue")):
            raise InvalidAttributeName(f"Unknown Attribute {name}.")
        if name == "FifoQueue" and not creating:
            raise InvalidAttributeValue(f"Invalid value for the parameter {name}.")
        if name in ENUMS and value not in ENUMS[name]:
            raise InvalidAttributeValue(f"Invalid value for the parameter {name}.")
        if name in RANGES:
            lo, hi = RANGES[name]
            if not value.lstrip("-").isdigit() or not lo <= int(value) <= hi:
                raise InvalidAttributeValue(f"Invalid value for the parameter {name}.")
        elif name in BOOLEANS and value.lower() not in ("true", "false"):
            raise InvalidAttributeValue(f"Invalid value for the parameter {name}.")
        elif name in ("Policy", "RedrivePolicy", "RedriveAllowPolicy") and value:
            _check_json(name, value)
    return {name: value.lower() if name in BOOLEANS else value
            for name, value in attributes.items()}


def _check_json(name: str, value: str) -> None:
    try:
        parsed = orjson.loads(value)
    except orjson.JSONDecodeError:
        raise InvalidAttributeValue(f"Invalid value for the parameter {name}.") from None
    if not isinstance(parsed, dict):
        raise InvalidAttributeValue(f"Invalid value for the parameter {name}.")


def check_names(names: list[str]) -> list[str]:
    """Attribute names for GetQueueAttributes ('All' expands to every known one)."""
    for name in names:
        if name != "All" and name not in KNOWN:
            raise InvalidAttributeName(f"Unknown Attribute {name}.")
    return names
