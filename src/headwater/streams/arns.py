"""Parsing stream ARNs: `arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`
(aws-facts §1.3). A malformed ARN is a ValidationException, an unknown one is not found."""

from __future__ import annotations

import re
from dataclasses import dataclass

from headwater.streams.errors import ValidationException

_STREAM_ARN = re.compile(
    r"arn:aws[a-z-]*:dynamodb:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"table/(?P<table>[a-zA-Z0-9_.-]{3,255})/stream/"
    r"(?P<label>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})"
)


@dataclass(frozen=True, slots=True)
class StreamArn:
    region: str
    account: str
    table: str
    label: str


def parse_stream_arn(text: str, member: str = "StreamArn") -> StreamArn:
    match = _STREAM_ARN.fullmatch(text)
    if match is None:
        raise ValidationException(f"Invalid {member}: {text}")
    return StreamArn(match["region"], match["account"], match["table"], match["label"])
