"""AddPermission, RemovePermission and GetPolicy: a function's resource-based policy (one per
function and qualifier), built statement by statement as Lambda does (Lambda developer guide,
"Viewing resource-based IAM policies"; API reference AddPermission), kept in
core/resource_policies.py by the (qualified) function ARN and evaluated for Invoke under
--enforce-iam (iam/enforcement.py).

A Principal is an account id (written `{"AWS": "arn:aws:iam::ID:root"}`), an ARN (`{"AWS":
ARN}`), a service (`{"Service": "s3.amazonaws.com"}`) or `*`; SourceArn becomes an ArnLike
condition on AWS:SourceArn, SourceAccount a StringEquals on AWS:SourceAccount,
PrincipalOrgID a StringEquals on aws:PrincipalOrgID.
"""

from __future__ import annotations

import json
from typing import Any

from headwater.core.ids import new_uuid
from headwater.functions.context import RequestContext
from headwater.functions.errors import (
    PreconditionFailedException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from headwater.functions.names import function_arn, parse
from headwater.functions.registry import not_found

DUPLICATE = ("The statement id ({}) provided already exists. Please choose a new statement id, "
             "or remove the existing statement.")
STALE = ("The Revision Id provided does not match the latest Revision Id. Call the GetPolicy "
         "API to retrieve the latest Revision Id")
NO_POLICY = "The resource you requested does not exist."


def add_permission(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """AddPermission — 201 with the new statement as a JSON string."""
    arn = _resource(ctx, request)
    statements, revision = _load(ctx, arn)
    _check_revision(request.get("RevisionId"), revision)
    sid = request["StatementId"]
    if any(statement.get("Sid") == sid for statement in statements):
        raise ResourceConflictException(DUPLICATE.format(sid))
    statement = _statement(request, arn)
    _save(ctx, arn, [*statements, statement])
    return {"Statement": json.dumps(statement, separators=(",", ":"))}


def remove_permission(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """RemovePermission — 204."""
    arn = _resource(ctx, request)
    statements, revision = _load(ctx, arn)
    _check_revision(request.get("RevisionId"), revision)
    sid = request["StatementId"]
    kept = [statement for statement in statements if statement.get("Sid") != sid]
    if len(kept) == len(statements):
        raise ResourceNotFoundException(f"Statement {sid} is not found in resource policy.")
    if kept:
        _save(ctx, arn, kept)
    else:
        ctx.runtime.resource_policies.delete(arn)
    return {}


def get_policy(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = _resource(ctx, request)
    stored = ctx.runtime.resource_policies.get(arn)
    if stored is None:
        raise ResourceNotFoundException(NO_POLICY)
    return {"Policy": stored.text, "RevisionId": stored.revision}


def _resource(ctx: RequestContext, request: dict[str, Any]) -> str:
    """The ARN the policy belongs to: the function's, qualified when a qualifier is given
    (which must exist)."""
    ref = parse(ctx.account, ctx.region, request["FunctionName"], request.get("Qualifier"))
    functions = ctx.runtime.functions
    if ref.qualifier is None:
        functions.function(ref)
    else:
        try:
            functions.resolve(ref.account, ref.region, ref.name, ref.qualifier)
        except ResourceNotFoundException:
            raise not_found(ref) from None
    return function_arn(ref.region, ref.account, ref.name, ref.qualifier)


def _load(ctx: RequestContext, arn: str) -> tuple[list[dict[str, Any]], str | None]:
    stored = ctx.runtime.resource_policies.get(arn)
    if stored is None:
        return [], None
    return list(json.loads(stored.text)["Statement"]), stored.revision


def _save(ctx: RequestContext, arn: str, statements: list[dict[str, Any]]) -> None:
    document = {"Version": "2012-10-17", "Id": "default", "Statement": statements}
    ctx.runtime.resource_policies.put(arn, json.dumps(document, separators=(",", ":")),
                                      new_uuid())


def _check_revision(given: str | None, current: str | None) -> None:
    if given is not None and given != current:
        raise PreconditionFailedException(STALE)


def _statement(request: dict[str, Any], arn: str) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": request["StatementId"], "Effect": "Allow",
                                 "Principal": _principal(request["Principal"]),
                                 "Action": request["Action"], "Resource": arn}
    condition: dict[str, dict[str, str]] = {}
    if request.get("SourceAccount"):
        condition.setdefault("StringEquals", {})["AWS:SourceAccount"] = request["SourceAccount"]
    if request.get("PrincipalOrgID"):
        condition.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = request["PrincipalOrgID"]
    if request.get("SourceArn"):
        condition["ArnLike"] = {"AWS:SourceArn": request["SourceArn"]}
    if condition:
        statement["Condition"] = condition
    return statement


def _principal(principal: str) -> str | dict[str, str]:
    if principal == "*":
        return "*"
    if principal.isdigit() and len(principal) == 12:
        return {"AWS": f"arn:aws:iam::{principal}:root"}
    if principal.startswith("arn:"):
        return {"AWS": principal}
    return {"Service": principal}
