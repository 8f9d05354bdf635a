"""AWS::Lambda::Version: PublishVersion; Ref the version ARN; GetAtt Version and FunctionArn.
Every property is create-only (a change publishes a new version); a version is kept on stack
deletion unless deleted explicitly, as Lambda deletes versions only with their function:
Headwater deletes nothing here (DeleteFunction on a version is not served)."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation.resources.base import Api, Outcome


class LambdaVersion:
    replace_on: frozenset[str] = frozenset({"FunctionName", "Description", "CodeSha256",
                            "ProvisionedConcurrencyConfig", "RuntimePolicy"})

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        request = {"FunctionName": properties["FunctionName"]}
        for member in ("Description", "CodeSha256"):
            if member in properties:
                request[member] = properties[member]
        published = await api("lambda", "PublishVersion", request)
        arn = published["FunctionArn"]
        return Outcome(arn, {"Version": published["Version"],
                             "FunctionArn": arn.rpartition(":")[0]})

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        return Outcome(physical_id, attributes)

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        return None
