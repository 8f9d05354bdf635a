"""AWS::SNS::Topic: CreateTopic (attributes DisplayName, FifoTopic, ContentBasedDeduplication,
KmsMasterKeyId, ... ; tags) and its inline Subscription list; Ref the topic ARN; GetAtt
TopicArn and TopicName. Attribute and subscription changes apply in place; TopicName and
FifoTopic are create-only."""

from __future__ import annotations

from typing import Any

import orjson

from headwater.cloudformation.resources.base import Api, Outcome, ignore_missing, tags_list

ATTRIBUTES = ("DisplayName", "FifoTopic", "ContentBasedDeduplication", "KmsMasterKeyId",
              "SignatureVersion", "TracingConfig", "DeliveryStatusLogging", "ArchivePolicy",
              "FifoThroughputScope")


def _attributes(properties: dict[str, Any]) -> dict[str, str]:
    out = {}
    for key in ATTRIBUTES:
        if key not in properties:
            continue
        value = properties[key]
        out[key] = (orjson.dumps(value).decode() if isinstance(value, dict | list) else
                    ("true" if value else "false") if isinstance(value, bool) else str(value))
    return out


class SnsTopic:
    replace_on: frozenset[str] = frozenset()

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        fifo = str(properties.get("FifoTopic", "false")).lower() == "true"
        name = properties.get("TopicName") or api.name(256 - (5 if fifo else 0),
                                                       ".fifo" if fifo else "")
        request: dict[str, Any] = {"Name": name, "Attributes": _attributes(properties)}
        if properties.get("Tags"):
            request["Tags"] = tags_list(properties["Tags"])
        arn = (await api("sns", "CreateTopic", request))["TopicArn"]
        for subscription in properties.get("Subscription") or []:
            await api("sns", "Subscribe", {"TopicArn": arn, "Protocol": subscription["Protocol"],
                                           "Endpoint": subscription["Endpoint"]})
        return Outcome(arn, {"TopicArn": arn, "TopicName": name})

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        before, after = _attributes(old), _attributes(new)
        for key, value in after.items():
            if before.get(key) != value and key != "FifoTopic":
                await api("sns", "SetTopicAttributes", {"TopicArn": physical_id,
                                                        "AttributeName": key,
                                                        "AttributeValue": value})
        for key in before.keys() - after.keys():
            if key == "DisplayName":
                await api("sns", "SetTopicAttributes", {"TopicArn": physical_id,
                                                        "AttributeName": key,
                                                        "AttributeValue": ""})
        old_subs = [(s["Protocol"], s["Endpoint"]) for s in old.get("Subscription") or []]
        new_subs = [(s["Protocol"], s["Endpoint"]) for s in new.get("Subscription") or []]
        if old_subs != new_subs:
            listed = await api("sns", "ListSubscriptionsByTopic", {"TopicArn": physical_id})
            for found in listed.get("Subscriptions", []):
                pair = (found["Protocol"], found["Endpoint"])
                if pair in old_subs and pair not in new_subs:
                    await api("sns", "Unsubscribe", {"SubscriptionArn": found["SubscriptionArn"]})
            for protocol, endpoint in new_subs:
                if (protocol, endpoint) not in old_subs:
                    await api("sns", "Subscribe", {"TopicArn": physical_id, "Protocol": protocol,
                                                   "Endpoint": endpoint})
        return Outcome(physical_id, attributes)

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        await ignore_missing(api, "sns", "DeleteTopic", {"TopicArn": physical_id}, "NotFound")
