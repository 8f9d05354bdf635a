"""Queue names, URLs (`http://<host>/<account>/<name>`, host from the request, else the
server's own address) and ARNs (`arn:aws:sqs:<region>:<account>:<name>`)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from headwater.queues.errors import InvalidAddress, InvalidParameterValue

NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
FIFO_NAME = re.compile(r"[A-Za-z0-9_-]{1,75}\.fifo")
ARN = re.compile(r"arn:aws:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]{1,80})")


def check_name(name: str) -> None:
    if not (NAME.fullmatch(name) or FIFO_NAME.fullmatch(name)):
        raise InvalidParameterValue(
            "Can only include alphanumeric characters, hyphens, or underscores. "
            "1 to 80 in length"
        )


def queue_url(host: str, account: str, name: str) -> str:
    return f"http://{host}/{account}/{name}"


def queue_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:sqs:{region}:{account}:{name}"


def parse_url(url: str) -> tuple[str, str]:
    """(account, name) from a queue URL; any host is accepted, as AWS accepts legacy hosts."""
    parts = [part for part in urlsplit(url).path.split("/") if part]
    if len(parts) != 2 or not parts[0].isdigit():
        raise InvalidAddress(f"The address {url} is not valid for this endpoint.")
    return parts[0], parts[1]


def parse_arn(arn: str) -> tuple[str, str, str] | None:
    """(region, account, name) from a queue ARN, or None when it is not one."""
    match = ARN.fullmatch(arn)
    return (match.group(1), match.group(2), match.group(3)) if match else None
