"""AWS::Lambda::EventSourceMapping: every setting passed to Create/UpdateEventSourceMapping as
the template states it; Ref the mapping's UUID; GetAtt Id and EventSourceMappingArn. The source
and starting position are create-only (a change replaces the mapping). A deletion is done when
the mapping is gone, not when Lambda answers "Deleting" (its in-flight batch finishes first),
as CloudFormation's handler waits for it."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from headwater.cloudformation.resources.base import (
    Api,
    Outcome,
    ServiceError,
    ignore_missing,
    tags_map,
)

DELETE_WAIT = 60.0  # seconds a deletion waits for the mapping to go
DELETE_POLL = 0.02

CREATE_ONLY = ("EventSourceArn", "StartingPosition", "StartingPositionTimestamp",
               "SelfManagedEventSource", "AmazonManagedKafkaEventSourceConfig",
               "SelfManagedKafkaEventSourceConfig", "Topics", "Queues")
# Settings UpdateEventSourceMapping resets when the template drops them.
CLEARED = {"FilterCriteria": {"Filters": []}, "DestinationConfig": {"OnFailure": {}},
           "FunctionResponseTypes": [], "MaximumBatchingWindowInSeconds": 0,
           "ScalingConfig": {}}


def _request(properties: dict[str, Any]) -> dict[str, Any]:
    request = {key: value for key, value in properties.items() if key != "Tags"}
    if properties.get("Tags"):
        request["Tags"] = tags_map(properties["Tags"])
    return request


class LambdaEventSourceMapping:
    replace_on: frozenset[str] = frozenset()

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        created = await api("lambda", "CreateEventSourceMapping", _request(properties))
        return Outcome(created["UUID"], _attributes(created))

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        request = {key: value for key, value in _request(new).items()
                   if key not in CREATE_ONLY and key != "Tags" and old.get(key) != value}
        for key, empty in CLEARED.items():
            if key in old and key not in new:
                request[key] = empty
        if request:
            updated = await api("lambda", "UpdateEventSourceMapping",
                                {"UUID": physical_id, **request})
            return Outcome(physical_id, _attributes(updated))
        return Outcome(physical_id, attributes)

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        await ignore_missing(api, "lambda", "DeleteEventSourceMapping", {"UUID": physical_id},
                             "ResourceNotFoundException")
        deadline = time.monotonic() + DELETE_WAIT
        while time.monotonic() < deadline:
            try:
                await api("lambda", "GetEventSourceMapping", {"UUID": physical_id})
            except ServiceError as error:
                if error.code == "ResourceNotFoundException":
                    return
                raise
            await asyncio.sleep(DELETE_POLL)


def _attributes(mapping: dict[str, Any]) -> dict[str, Any]:
    out = {"Id": mapping["UUID"]}
    if mapping.get("EventSourceMappingArn"):
        out["EventSourceMappingArn"] = mapping["EventSourceMappingArn"]
    return out
