"""The tables and streams a DynamoDB or DynamoDB Streams request names, and the refusal of
another account's (core/tenancy.py): a TableName, TableArn or ResourceArn, the tables of
TransactItems and RequestItems, a StreamArn. PartiQL statements name their table in the
statement text; `partiql.table_of` checks those.

AWS's answer: AccessDeniedException (HTTP 400) "User: arn:aws:iam::CALLER:root is not
authorized to perform: dynamodb:ACTION on resource: ARN because no resource-based policy
allows the dynamodb:ACTION action" (DynamoDB developer guide, "Cross-account access with
resource-based policies"). A transaction is authorised per item action (PutItem, UpdateItem,
DeleteItem, ConditionCheckItem, GetItem), as IAM does for TransactWriteItems/TransactGetItems.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from headwater.core import tenancy
from headwater.dynamodb.errors import AccessDeniedException

if TYPE_CHECKING:
    from headwater.dynamodb.context import RequestContext

NAME_MEMBERS = ("TableName", "TableArn", "ResourceArn", "StreamArn")
ITEM_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                "ConditionCheck": "ConditionCheckItem", "Get": "GetItem"}


def authorize(ctx: RequestContext, operation: str, request: dict[str, Any]) -> None:
    """Refuse a request naming another account's table or stream (under --credentials)."""
    if not tenancy.enforced(ctx):
        return
    for member in NAME_MEMBERS:
        name = request.get(member)
        if isinstance(name, str):
            check(ctx, operation, name)
    for entry in request.get("TransactItems") or ():
        for kind, spec in entry.items():
            if isinstance(spec, dict) and isinstance(spec.get("TableName"), str):
                check(ctx, ITEM_ACTIONS.get(kind, operation), spec["TableName"])
    for name in request.get("RequestItems") or ():
        check(ctx, operation, name)


def check(ctx: RequestContext, action: str, name: str) -> None:
    """AccessDeniedException when `name` is an ARN of another account than the caller's
    whose resource-based policy (PutResourcePolicy) does not allow the caller."""
    owner = tenancy.arn_account(name)
    if owner is None or owner == ctx.account or not tenancy.enforced(ctx):
        return
    if not ctx.runtime.authority.resource_allows(ctx.caller, f"dynamodb:{action}", name):
        raise AccessDeniedException(
            tenancy.not_authorized(ctx.account, f"dynamodb:{action}", name))
