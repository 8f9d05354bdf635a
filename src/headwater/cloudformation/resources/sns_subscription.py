"""AWS::SNS::Subscription: Subscribe with its attributes (FilterPolicy, FilterPolicyScope,
RawMessageDelivery, RedrivePolicy, DeliveryPolicy, ...); Ref the subscription ARN; GetAtt Arn.
Attribute changes apply in place; TopicArn, Protocol and Endpoint are create-only."""

from __future__ import annotations

from typing import Any

import orjson

from headwater.cloudformation.resources.base import Api, Outcome, ignore_missing

ATTRIBUTES = ("FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy",
              "DeliveryPolicy", "SubscriptionRoleArn", "ReplayPolicy")


def _attributes(properties: dict[str, Any]) -> dict[str, str]:
    out = {}
    for key in ATTRIBUTES:
        if key in properties:
            value = properties[key]
            out[key] = (orjson.dumps(value).decode() if isinstance(value, dict | list) else
                        ("true" if value else "false") if isinstance(value, bool) else str(value))
    return out


class SnsSubscription:
    replace_on: frozenset[str] = frozenset({"Region"})

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        request: dict[str, Any] = {"TopicArn": properties["TopicArn"],
                                   "Protocol": properties["Protocol"],
                                   "ReturnSubscriptionArn": True}
        if "Endpoint" in properties:
            request["Endpoint"] = properties["Endpoint"]
        if _attributes(properties):
            request["Attributes"] = _attributes(properties)
        arn = (await api("sns", "Subscribe", request))["SubscriptionArn"]
        return Outcome(arn, {"Arn": arn})

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        before, after = _attributes(old), _attributes(new)
        for key, value in after.items():
            if before.get(key) != value:
                await api("sns", "SetSubscriptionAttributes", {
                    "SubscriptionArn": physical_id, "AttributeName": key,
                    "AttributeValue": value})
        for key in before.keys() - after.keys():
            await api("sns", "SetSubscriptionAttributes", {
                "SubscriptionArn": physical_id, "AttributeName": key,
                "AttributeValue": "false" if key == "RawMessageDelivery" else ""})
        return Outcome(physical_id, attributes)

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        await ignore_missing(api, "sns", "Unsubscribe", {"SubscriptionArn": physical_id},
                             "NotFound")
