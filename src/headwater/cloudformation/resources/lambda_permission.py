"""AWS::Lambda::Permission: AddPermission with a generated statement id; Ref and GetAtt Id the
statement id. Every property is create-only (a change replaces the statement)."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation.resources.base import Api, Outcome, ignore_missing

MEMBERS = ("Action", "Principal", "SourceArn", "SourceAccount", "EventSourceToken",
           "FunctionUrlAuthType", "PrincipalOrgID")


def _function(name: str) -> tuple[str, str | None]:
    """(function, qualifier) of a name or ARN that may carry a qualifier."""
    if name.startswith("arn:") and name.count(":") == 7:
        head, _, qualifier = name.rpartition(":")
        return head, qualifier
    if not name.startswith("arn:") and ":" in name:
        head, _, qualifier = name.partition(":")
        return head, qualifier
    return name, None


class LambdaPermission:
    replace_on: frozenset[str] = frozenset({"Action", "Principal", "SourceArn", "SourceAccount",
                            "EventSourceToken", "FunctionName", "FunctionUrlAuthType",
                            "PrincipalOrgID"})

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        statement = api.name(100)
        function, qualifier = _function(properties["FunctionName"])
        request = {"FunctionName": function, "StatementId": statement,
                   **{m: properties[m] for m in MEMBERS if m in properties}}
        if qualifier:
            request["Qualifier"] = qualifier
        await api("lambda", "AddPermission", request)
        return Outcome(statement, {"Id": statement})

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        return Outcome(physical_id, attributes)

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        function, qualifier = _function(properties["FunctionName"])
        request = {"FunctionName": function, "StatementId": physical_id}
        if qualifier:
            request["Qualifier"] = qualifier
        await ignore_missing(api, "lambda", "RemovePermission", request,
                             "ResourceNotFoundException")
