"""AWS managed policies (arn:aws:iam::aws:policy/...): one JSON file each, holding the policy's
metadata and its default version's document as AWS publishes them (AWS Managed Policy
Reference, docs.aws.amazon.com/aws-managed-policy/latest/reference/NAME.html). The same in
every account; never written."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from headwater.iam.names import AWS_POLICY_PREFIX

HERE = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class AwsPolicy:
    name: str
    path: str
    arn: str
    policy_id: str
    default_version: str
    created: float
    updated: float
    description: str
    document: str  # the default version's JSON text


def _time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


@functools.cache
def aws_policies() -> dict[str, AwsPolicy]:
    """Every AWS managed policy served, by ARN."""
    policies = {}
    for file in sorted(HERE.glob("*.json")):
        data = orjson.loads(file.read_bytes())
        arn = f"{AWS_POLICY_PREFIX}{data['Path']}{data['PolicyName']}"
        policies[arn] = AwsPolicy(
            data["PolicyName"], data["Path"], arn, data["PolicyId"], data["DefaultVersionId"],
            _time(data["CreateDate"]), _time(data["UpdateDate"]), data["Description"],
            orjson.dumps(data["Document"]).decode())
    return policies
