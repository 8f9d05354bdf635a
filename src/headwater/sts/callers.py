"""The caller of an STS request as STS names it: the IAM user or role session its access key
was issued to (iam/identities.py), else its account's root user (arn:aws:iam::ACCOUNT:root,
UserId = the account id): any key IAM did not issue acts as its account's root, as
everywhere in Headwater."""

from __future__ import annotations

from dataclasses import dataclass

from headwater.iam.context import RequestContext
from headwater.iam.identities import IssuedKey


@dataclass(frozen=True, slots=True)
class Caller:
    account: str
    arn: str
    user_id: str
    key: IssuedKey | None  # None: the account's root


def caller(ctx: RequestContext) -> Caller:
    key = ctx.runtime.identities.lookup_key(ctx.access_key) if ctx.access_key else None
    if key is None:
        return Caller(ctx.account, f"arn:aws:iam::{ctx.account}:root", ctx.account, None)
    return Caller(key.account, key.principal_arn, key.user_id, key)
