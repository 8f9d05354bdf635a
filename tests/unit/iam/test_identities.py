"""iam/identities.py, the interface enforcement uses: keys IAM issued, the policies that apply
to a user, role or role session (cached until the next IAM write), roles, service sessions."""

from __future__ import annotations

import json

import pytest

from headwater.core.clock import Clock
from headwater.core.storage import Storage
from headwater.iam import names, store
from headwater.iam.identities import Identities, parsed
from headwater.iam.managed_policies import aws_policies

ACCOUNT = "123456789012"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
     "Action": "sts:AssumeRole"}]})
INLINE = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]})
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


@pytest.fixture
def identities() -> Identities:
    return Identities(Storage(None), Clock())


def _role(identities: Identities, name: str = "fn-role") -> store.Principal:
    with identities.storage.transaction() as conn:
        return store.insert_principal(
            conn, ACCOUNT, "role", name, "/", names.unique_id("AROA"),
            names.entity_arn(ACCOUNT, "role", "/", name), 0.0, trust_policy=TRUST,
            max_session_duration=7200)


def test_unknown_keys_are_none(identities: Identities) -> None:
    assert identities.lookup_key("AKIDTEST") is None
    assert identities.lookup_key("AKIAAAAAAAAAAAAAAAAA") is None
    assert identities.lookup_key("ASIAAAAAAAAAAAAAAAAA") is None


def test_a_user_key(identities: Identities) -> None:
    with identities.storage.transaction() as conn:
        user = store.insert_principal(conn, ACCOUNT, "user", "alice", "/", "AIDAX",
                                      f"arn:aws:iam::{ACCOUNT}:user/alice", 0.0)
        store.insert_key(conn, user.id, "AKIAKEY", "secret", 0.0)
    key = identities.lookup_key("AKIAKEY")
    assert key is not None
    assert (key.account, key.principal_arn, key.kind, key.secret, key.user_name) == (
        ACCOUNT, user.arn, "user", "secret", "alice")
    assert (key.session_token, key.expires, key.role_arn) == (None, None, None)


def test_role_and_service_sessions(identities: Identities) -> None:
    role = _role(identities)
    record = identities.role(ACCOUNT, "FN-ROLE")  # names ignore case
    assert record is not None and record.arn == role.arn
    assert (record.max_session_duration, record.trust_policy_text) == (7200, TRUST)
    identities.clock.advance(100)
    key = identities.assume_role_for_service(ACCOUNT, role.arn, "my-function", 900)
    assert key.kind == "assumed-role" and key.access_key_id.startswith("ASIA")
    assert key.principal_arn == f"arn:aws:sts::{ACCOUNT}:assumed-role/fn-role/my-function"
    assert key.expires == pytest.approx(identities.clock.now() + 900)
    assert (key.role_arn, key.role_name) == (role.arn, "fn-role")
    assert identities.lookup_key(key.access_key_id) == key
    with pytest.raises(LookupError):
        identities.assume_role_for_service(ACCOUNT, f"arn:aws:iam::{ACCOUNT}:role/none", "f")


def test_identity_policies_follow_iam_writes(identities: Identities) -> None:
    role = _role(identities)
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/fn-role/f"
    assert identities.identity_policies(ACCOUNT, role.arn) == []
    with identities.storage.transaction() as conn:
        store.put_inline(conn, role.id, "inline", INLINE)
        store.attach(conn, role.id, BASIC, 0.0)
        identities.changed()
    assert identities.identity_policies(ACCOUNT, session) == [
        parsed(INLINE), parsed(aws_policies()[BASIC].document)]
    assert identities.identity_policies(ACCOUNT, role.arn) == identities.identity_policies(
        ACCOUNT, session)
    assert identities.identity_policies("999999999999", role.arn) == []


@pytest.mark.parametrize("arn", sorted(aws_policies()))
def test_every_aws_managed_policy_is_a_valid_identity_policy(arn: str) -> None:
    assert parsed(aws_policies()[arn].document).statements
