"""AWS::SQS::Queue: CreateQueue with the template's properties as queue attributes
(RedrivePolicy and RedriveAllowPolicy as JSON); Ref the queue URL; GetAtt Arn, QueueName and
QueueUrl. Attribute changes apply in place (SetQueueAttributes); QueueName and FifoQueue are
create-only."""

from __future__ import annotations

from typing import Any

import orjson

from headwater.cloudformation.resources.base import Api, Outcome, ignore_missing, tags_map

NOT_ATTRIBUTES = ("QueueName", "Tags")
# What SetQueueAttributes restores when the template drops a setting (SQS's defaults).
DEFAULTS = {"DelaySeconds": "0", "MaximumMessageSize": "262144",
            "MessageRetentionPeriod": "345600", "ReceiveMessageWaitTimeSeconds": "0",
            "VisibilityTimeout": "30", "RedrivePolicy": "", "RedriveAllowPolicy": "",
            "ContentBasedDeduplication": "false", "KmsMasterKeyId": "",
            "KmsDataKeyReusePeriodSeconds": "300", "SqsManagedSseEnabled": "true"}


def _attributes(properties: dict[str, Any]) -> dict[str, str]:
    out = {}
    for key, value in properties.items():
        if key in NOT_ATTRIBUTES:
            continue
        if isinstance(value, dict | list):
            out[key] = orjson.dumps(value).decode()
        elif isinstance(value, bool):
            out[key] = "true" if value else "false"
        else:
            out[key] = str(value)
    return out


class SqsQueue:
    replace_on: frozenset[str] = frozenset()

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        fifo = str(properties.get("FifoQueue", "false")).lower() == "true"
        name = properties.get("QueueName") or api.name(80 - (5 if fifo else 0),
                                                       ".fifo" if fifo else "")
        request: dict[str, Any] = {"QueueName": name, "Attributes": _attributes(properties)}
        if properties.get("Tags"):
            request["tags"] = tags_map(properties["Tags"])
        url = (await api("sqs", "CreateQueue", request))["QueueUrl"]
        return Outcome(url, await self._read(api, url, name))

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        before, after = _attributes(old), _attributes(new)
        change = {k: v for k, v in after.items() if before.get(k) != v and k != "FifoQueue"}
        for key in before.keys() - after.keys():
            if key in DEFAULTS:
                change[key] = DEFAULTS[key]
        if change:
            await api("sqs", "SetQueueAttributes", {"QueueUrl": physical_id, "Attributes": change})
        old_tags, new_tags = tags_map(old.get("Tags")), tags_map(new.get("Tags"))
        if old_tags != new_tags:
            gone = [key for key in old_tags if key not in new_tags]
            if gone:
                await api("sqs", "UntagQueue", {"QueueUrl": physical_id, "TagKeys": gone})
            if new_tags:
                await api("sqs", "TagQueue", {"QueueUrl": physical_id, "Tags": new_tags})
        return Outcome(physical_id, attributes)

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        await ignore_missing(api, "sqs", "DeleteQueue", {"QueueUrl": physical_id},
                             "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue")

    @staticmethod
    async def _read(api: Api, url: str, name: str) -> dict[str, Any]:
        found = await api("sqs", "GetQueueAttributes", {"QueueUrl": url,
                                                        "AttributeNames": ["QueueArn"]})
        return {"Arn": found["Attributes"]["QueueArn"], "QueueName": name, "QueueUrl": url}
