"""AWS::Lambda::Alias: CreateAlias / UpdateAlias / DeleteAlias; Ref the alias ARN; GetAtt
AliasArn. FunctionName and Name are create-only."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation.resources.base import Api, Outcome, ignore_missing

MEMBERS = ("FunctionVersion", "Description", "RoutingConfig")


class LambdaAlias:
    replace_on: frozenset[str] = frozenset()

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        request = {"FunctionName": properties["FunctionName"], "Name": properties["Name"],
                   **{m: properties[m] for m in MEMBERS if m in properties}}
        created = await api("lambda", "CreateAlias", request)
        return Outcome(created["AliasArn"], {"AliasArn": created["AliasArn"]})

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        request: dict[str, Any] = {"FunctionName": new["FunctionName"], "Name": new["Name"],
                                   **{m: new[m] for m in MEMBERS if m in new}}
        if "RoutingConfig" not in new and "RoutingConfig" in old:
            request["RoutingConfig"] = {"AdditionalVersionWeights": {}}
        await api("lambda", "UpdateAlias", request)
        return Outcome(physical_id, attributes)

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        await ignore_missing(api, "lambda", "DeleteAlias", {
            "FunctionName": properties["FunctionName"], "Name": properties["Name"]},
            "ResourceNotFoundException")
