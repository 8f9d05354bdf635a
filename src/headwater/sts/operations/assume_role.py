"""AssumeRole: session keys (ASIA...) for a role, valid DurationSeconds (900 up to the role's
MaxSessionDuration; an hour at most for role chaining) of the project clock.

A role that does not exist is refused as AWS refuses it, without saying it does not exist:
AccessDenied "User: CALLER is not authorized to perform: sts:AssumeRole on resource: ROLE_ARN";
under --enforce-iam so is a role whose trust policy does not allow the caller.
ExternalId is the trust policy's `sts:ExternalId` condition key.
Deviations: session policies (Policy, PolicyArns), session tags (Tags, TransitiveTagKeys), MFA
(SerialNumber, TokenCode), SourceIdentity and ProvidedContexts are refused with a
ValidationError saying Headwater does not support them (a malformed Policy is still
MalformedPolicyDocument first, as AWS checks it)."""

from __future__ import annotations

from typing import Any

from headwater.iam import names
from headwater.iam.context import RequestContext
from headwater.iam.policy_documents import MalformedPolicy, parse_policy
from headwater.sts import trust
from headwater.sts.callers import caller
from headwater.sts.errors import AccessDenied, MalformedPolicyDocument, ValidationError

DEFAULT_DURATION = 3600
CHAINED_MAX = 3600
UNSUPPORTED = ("Policy", "PolicyArns", "Tags", "TransitiveTagKeys", "SerialNumber", "TokenCode",
               "SourceIdentity", "ProvidedContexts")


def assume_role(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """AssumeRole."""
    if "Policy" in request:
        _check_session_policy(request["Policy"])
    for member in UNSUPPORTED:
        if member in request:
            raise ValidationError(f"Headwater does not support {member} in AssumeRole.")
    who = caller(ctx)
    role_arn, session_name = request["RoleArn"], request["RoleSessionName"]
    match = names.ROLE_ARN.fullmatch(role_arn)
    identities = ctx.runtime.identities
    role = identities.role(match.group(1), match.group(3)) if match else None
    if role is None or not trust.may_assume(ctx, role, who, request.get("ExternalId")):
        raise AccessDenied(f"User: {who.arn} is not authorized to perform: sts:AssumeRole on "
                           f"resource: {role_arn}")
    duration = int(request.get("DurationSeconds", DEFAULT_DURATION))
    chained = who.key is not None and who.key.kind == "assumed-role"
    if chained and duration > CHAINED_MAX:
        raise ValidationError("The requested DurationSeconds exceeds the 1 hour session limit "
                              "for roles assumed by role chaining.")
    if duration > role.max_session_duration:
        raise ValidationError("The requested DurationSeconds exceeds the MaxSessionDuration "
                              "set for this role.")
    key = identities.issue_session(role, session_name, duration, chained)
    return {
        "Credentials": {"AccessKeyId": key.access_key_id, "SecretAccessKey": key.secret,
                        "SessionToken": key.session_token, "Expiration": key.expires},
        "AssumedRoleUser": {"AssumedRoleId": key.user_id, "Arn": key.principal_arn},
    }


def _check_session_policy(text: str) -> None:
    try:
        parse_policy(text)
    except MalformedPolicy as error:
        raise MalformedPolicyDocument(error.message) from None
