"""Policy documents as IAM accepts and returns them: validated by
`iam.policy_documents.parse_policy` (MalformedPolicyDocument with its message), size quotas
(IAM user guide, "IAM and AWS STS quotas": role trust policy 2,048 characters, inline
policies 10,240 per role and 2,048 per user in aggregate, managed policies 6,144), and
URL-encoded in responses (botocore URL-decodes and parses `policyDocumentType` members)."""

from __future__ import annotations

from urllib.parse import quote

from headwater.iam.errors import LimitExceeded, MalformedPolicyDocument
from headwater.iam.policy_documents import MalformedPolicy, parse_policy

TRUST_POLICY_SIZE = 2048
MANAGED_POLICY_SIZE = 6144
INLINE_SIZE = {"role": 10240, "user": 2048}


def check(text: str, kind: str = "identity") -> str:
    """`text` when it is a valid policy of `kind` ("identity", "managed", "trust"), else the
    error."""
    try:
        parse_policy(text, kind=kind)
    except MalformedPolicy as error:
        raise MalformedPolicyDocument(error.message) from None
    return text


def check_trust(text: str) -> str:
    if len(_significant(text)) > TRUST_POLICY_SIZE:
        raise LimitExceeded(f"Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_SIZE}")
    return check(text, "trust")


def check_managed(text: str) -> str:
    if len(_significant(text)) > MANAGED_POLICY_SIZE:
        raise LimitExceeded(f"Cannot exceed quota for PolicySize: {MANAGED_POLICY_SIZE}")
    return check(text, "managed")


def check_inline_total(kind: str, name: str, documents: list[str]) -> None:
    """The aggregate inline size of a role or user (whitespace does not count)."""
    most = INLINE_SIZE[kind]
    if sum(len(_significant(text)) for text in documents) > most:
        raise LimitExceeded(f"Maximum policy size of {most} bytes exceeded for {kind} {name}")


def encoded(text: str) -> str:
    return quote(text, safe="")


def _significant(text: str) -> str:
    return "".join(text.split())
