"""AWS::Logs::LogGroup: Ref the group name; GetAtt Arn (`arn:aws:logs:REGION:ACCOUNT:
log-group:NAME:*`). Headwater's CloudWatch Logs has no CreateLogGroup: a group exists once a
function writes to it, so the stack records the name and the group appears with its first
event; RetentionInDays, KmsKeyId and DataProtectionPolicy are accepted and not applied."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation.resources.base import Api, Outcome, present

UNAPPLIED = ("RetentionInDays", "KmsKeyId", "DataProtectionPolicy", "LogGroupClass", "Tags")


class LogsLogGroup:
    replace_on: frozenset[str] = frozenset()

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        name = properties.get("LogGroupName") or api.name(512)
        return Outcome(name, {"Arn": f"arn:aws:logs:{api.region}:{api.account}:log-group:"
                                     f"{name}:*"}, present(properties, UNAPPLIED))

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        return Outcome(physical_id, attributes, present(new, UNAPPLIED))

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        return None
