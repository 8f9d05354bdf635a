"""PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy: a resource-based policy on a
table or on its stream (each its own slot, with its own RevisionId), kept in
core/resource_policies.py and evaluated with the caller's identity policies under
--enforce-iam (iam/enforcement.py).

AWS's wording (observed against DynamoDB, 2026): a missing table "Requested resource not found:
Table: NAME not found"; no policy "Resource-based policy not found for the provided
ResourceArn: ARN" (PolicyNotFoundException, 400); a bad document "One or more parameter values
were invalid: Invalid policy document: ..."; an ARN of no table or stream "One or more
parameter values were invalid: Provided Arn is not a DynamoDB resource arn: ARN". Deviation:
AWS applies a policy eventually (a Get right after a Put may miss it); here at once.
"""

from __future__ import annotations

import re
from typing import Any

from headwater.core.resource_policies import StoredPolicy
from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.errors import (
    PolicyNotFoundException,
    ResourceNotFoundException,
    ValidationException,
)

# ExpectedRevisionId's value for "no policy must be there yet" (API reference).
NO_POLICY = "NO_POLICY"
_RESOURCE = re.compile(
    r"arn:aws[a-z-]*:dynamodb:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"table/(?P<name>[a-zA-Z0-9_.-]{3,255})(?:/stream/[0-9T:.-]+)?")
INVALID = "One or more parameter values were invalid: "
NOT_FOUND = "Resource-based policy not found for the provided ResourceArn: "


def put_resource_policy(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """PutResourcePolicy: the same document again keeps its RevisionId."""
    arn, text = request["ResourceArn"], request["Policy"]
    name = _table_of(ctx, arn)
    problem = ctx.runtime.authority.policy_problem(text)
    if problem is not None:
        raise ValidationException(f"{INVALID}Invalid policy document: {problem}")
    policies = ctx.runtime.resource_policies
    current = policies.get(arn)
    _check_expected(request.get("ExpectedRevisionId"), current, arn, name)
    if current is not None and current.text == text:
        return {"RevisionId": current.revision}
    revision = str(int(ctx.runtime.clock.now() * 1000))
    if current is not None and current.revision == revision:
        revision = str(int(revision) + 1)
    policies.put(arn, text, revision)
    return {"RevisionId": revision}


def get_resource_policy(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = request["ResourceArn"]
    _table_of(ctx, arn)
    current = ctx.runtime.resource_policies.get(arn)
    if current is None:
        raise PolicyNotFoundException(NOT_FOUND + arn)
    return {"Policy": current.text, "RevisionId": current.revision}


def delete_resource_policy(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DeleteResourcePolicy: idempotent (no policy is no error) unless ExpectedRevisionId is
    given; answers the removed policy's RevisionId."""
    arn = request["ResourceArn"]
    name = _table_of(ctx, arn)
    policies = ctx.runtime.resource_policies
    current = policies.get(arn)
    expected = request.get("ExpectedRevisionId")
    if expected is not None and current is None:
        raise PolicyNotFoundException(NOT_FOUND + arn)
    _check_expected(expected, current, arn, name)
    if current is None:
        return {}
    policies.delete(arn)
    return {"RevisionId": current.revision}


def _table_of(ctx: RequestContext, arn: str) -> str:
    """The name of the existing table `arn` (a table or stream ARN) belongs to."""
    match = _RESOURCE.fullmatch(arn)
    if match is None:
        raise ValidationException(f"{INVALID}Provided Arn is not a DynamoDB resource arn: {arn}")
    name = match["name"]
    if ctx.runtime.tables.find(match["account"], match["region"], name) is None:
        raise ResourceNotFoundException(f"Requested resource not found: Table: {name} not found")
    return name


def _check_expected(expected: str | None, current: StoredPolicy | None, arn: str,
                    name: str) -> None:
    if expected is None:
        return
    if expected == NO_POLICY:
        if current is not None:
            raise PolicyNotFoundException(
                f"{NOT_FOUND}Requested policy update expecting none to be present for table "
                f"{name}, but a policy exists with revision id {current.revision}.")
        return
    if current is None:
        raise PolicyNotFoundException(NOT_FOUND + arn)
    if current.revision != expected:
        raise PolicyNotFoundException(
            f"{NOT_FOUND}Requested update for policy with revision id {expected}, but the "
            f"policy associated to target table {name} has revision id {current.revision}.")
