"""AWS::Lambda::EventInvokeConfig: PutFunctionEventInvokeConfig for a function and qualifier
(both create-only); Ref `FUNCTION|QUALIFIER`."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation.resources.base import Api, Outcome, ignore_missing

MEMBERS = ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")


class LambdaEventInvokeConfig:
    replace_on: frozenset[str] = frozenset()

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        await self._put(api, properties)
        return Outcome(f"{properties['FunctionName']}|{properties['Qualifier']}")

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        await self._put(api, new)
        return Outcome(physical_id, attributes)

    @staticmethod
    async def _put(api: Api, properties: dict[str, Any]) -> None:
        await api("lambda", "PutFunctionEventInvokeConfig", {
            "FunctionName": properties["FunctionName"], "Qualifier": properties["Qualifier"],
            **{m: properties[m] for m in MEMBERS if m in properties}})

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        await ignore_missing(api, "lambda", "DeleteFunctionEventInvokeConfig", {
            "FunctionName": properties["FunctionName"], "Qualifier": properties["Qualifier"]},
            "ResourceNotFoundException")
