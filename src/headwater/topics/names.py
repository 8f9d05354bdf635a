"""Topic names and ARNs (`arn:aws:sns:<region>:<account>:<name>`), subscription ARNs
(`<topic arn>:<uuid>`)."""

from __future__ import annotations

import re

from headwater.topics.errors import invalid

NAME = re.compile(r"[A-Za-z0-9_-]{1,256}")
TOPIC_ARN = re.compile(r"arn:aws:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]{1,256})")
SUBSCRIPTION_ARN = re.compile(
    r"(arn:aws:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}):[0-9a-f-]{36}")


def check_name(name: str) -> None:
    if not NAME.fullmatch(name):
        raise invalid("Topic Name")


def topic_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:sns:{region}:{account}:{name}"


def parse_topic_arn(arn: str, parameter: str = "TopicArn") -> tuple[str, str, str]:
    """(region, account, name); InvalidParameter when `arn` is not a topic ARN."""
    match = TOPIC_ARN.fullmatch(arn)
    if match is None:
        raise invalid(parameter)
    return match.group(1), match.group(2), match.group(3)


def check_subscription_arn(arn: str) -> None:
    if not SUBSCRIPTION_ARN.fullmatch(arn):
        raise invalid("SubscriptionArn")
