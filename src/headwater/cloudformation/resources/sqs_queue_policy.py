"""AWS::SQS::QueuePolicy: the Policy attribute of each queue URL in Queues; Ref a generated id.
Deletion clears the policy."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation.resources.base import Api, Outcome, ServiceError
from headwater.cloudformation.resources.iam_role import document


class SqsQueuePolicy:
    replace_on: frozenset[str] = frozenset()

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        await self._set(api, properties["Queues"], document(properties["PolicyDocument"]))
        physical = api.name(64)
        return Outcome(physical, {"Id": physical})

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        gone = [url for url in old.get("Queues") or [] if url not in new["Queues"]]
        await self._set(api, gone, "")
        await self._set(api, new["Queues"], document(new["PolicyDocument"]))
        return Outcome(physical_id, attributes)

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        await self._set(api, properties.get("Queues") or [], "", quiet=True)

    @staticmethod
    async def _set(api: Api, queues: list[str], policy: str, quiet: bool = False) -> None:
        for url in queues:
            try:
                await api("sqs", "SetQueueAttributes", {"QueueUrl": url,
                                                        "Attributes": {"Policy": policy}})
            except ServiceError:
                if not quiet:
                    raise
