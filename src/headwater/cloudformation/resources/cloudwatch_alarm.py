"""AWS::CloudWatch::Alarm: PutMetricAlarm (again for an update: it replaces the alarm's
settings); Ref the alarm name; GetAtt Arn. AlarmName is create-only."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation.resources.base import Api, Outcome, ignore_missing, tags_list


class CloudWatchAlarm:
    replace_on: frozenset[str] = frozenset()

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        name = properties.get("AlarmName") or api.name(255)
        await self._put(api, name, properties)
        described = await api("cloudwatch", "DescribeAlarms", {"AlarmNames": [name]})
        arn = described["MetricAlarms"][0]["AlarmArn"]
        return Outcome(name, {"Arn": arn})

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        await self._put(api, physical_id, new)
        return Outcome(physical_id, attributes)

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        await ignore_missing(api, "cloudwatch", "DeleteAlarms", {"AlarmNames": [physical_id]},
                             "ResourceNotFound")

    @staticmethod
    async def _put(api: Api, name: str, properties: dict[str, Any]) -> None:
        request = {key: value for key, value in properties.items()
                   if key not in ("AlarmName", "Tags")}
        request["AlarmName"] = name
        if properties.get("Tags"):
            request["Tags"] = tags_list(properties["Tags"])
        await api("cloudwatch", "PutMetricAlarm", request)
