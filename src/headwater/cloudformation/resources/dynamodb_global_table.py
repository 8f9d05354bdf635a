"""AWS::DynamoDB::GlobalTable (version 2019.11.21): the table in the stack's region (CreateTable,
streams NEW_AND_OLD_IMAGES as replication needs), then one UpdateTable ReplicaUpdates Create per
other region in Replicas; replicas added or removed in place, TTL and billing in place; a
KeySchema or LSI change replaces it. Ref the table name; GetAtt Arn, StreamArn and TableId."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation.resources.base import Api, Outcome, ServiceError, ignore_missing
from headwater.cloudformation.resources.dynamodb_table import DynamoDbTable

SHARED = ("TableName", "AttributeDefinitions", "KeySchema", "BillingMode",
          "LocalSecondaryIndexes", "SSESpecification", "TimeToLiveSpecification")


def _table_properties(properties: dict[str, Any], region: str) -> dict[str, Any]:
    """The AWS::DynamoDB::Table properties of the replica in `region`."""
    out: dict[str, Any] = {key: properties[key] for key in SHARED if key in properties}
    out.setdefault("BillingMode", "PAY_PER_REQUEST")
    if out["BillingMode"] == "PROVISIONED":
        write = (properties.get("WriteProvisionedThroughputSettings") or {}).get(
            "WriteCapacityAutoScalingSettings", {}).get("MinCapacity", 5)
        out["ProvisionedThroughput"] = {"ReadCapacityUnits": write, "WriteCapacityUnits": write}
    if properties.get("GlobalSecondaryIndexes"):
        out["GlobalSecondaryIndexes"] = [
            {k: v for k, v in index.items() if k in ("IndexName", "KeySchema", "Projection")}
            for index in properties["GlobalSecondaryIndexes"]]
    view = (properties.get("StreamSpecification") or {}).get("StreamViewType",
                                                              "NEW_AND_OLD_IMAGES")
    out["StreamSpecification"] = {"StreamViewType": view}
    replicas = properties.get("Replicas") or []
    replica: dict[str, Any] = next((r for r in replicas if r.get("Region") == region), {})
    if replica.get("Tags"):
        out["Tags"] = replica["Tags"]
    if "DeletionProtectionEnabled" in replica:
        out["DeletionProtectionEnabled"] = replica["DeletionProtectionEnabled"]
    return out


def _regions(properties: dict[str, Any], home: str) -> list[str]:
    return [r["Region"] for r in properties.get("Replicas") or [] if r["Region"] != home]


class DynamoDbGlobalTable:
    replace_on: frozenset[str] = frozenset({"KeySchema", "LocalSecondaryIndexes"})
    _table = DynamoDbTable()

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        made = await self._table.create(api, _table_properties(properties, api.region))
        for region in _regions(properties, api.region):
            await api("dynamodb", "UpdateTable", {"TableName": made.physical_id,
                                                  "ReplicaUpdates": [{"Create": {
                                                      "RegionName": region}}]})
        return Outcome(made.physical_id, await self._attributes(api, made.physical_id))

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        await self._table.update(api, physical_id, _table_properties(old, api.region),
                                 _table_properties(new, api.region), attributes)
        before, after = _regions(old, api.region), _regions(new, api.region)
        for region in before:
            if region not in after:
                await api("dynamodb", "UpdateTable", {"TableName": physical_id,
                                                      "ReplicaUpdates": [{"Delete": {
                                                          "RegionName": region}}]})
        for region in after:
            if region not in before:
                await api("dynamodb", "UpdateTable", {"TableName": physical_id,
                                                      "ReplicaUpdates": [{"Create": {
                                                          "RegionName": region}}]})
        return Outcome(physical_id, await self._attributes(api, physical_id))

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        for region in _regions(properties, api.region):
            try:
                await api("dynamodb", "UpdateTable", {"TableName": physical_id,
                                                      "ReplicaUpdates": [{"Delete": {
                                                          "RegionName": region}}]})
            except ServiceError as error:
                if error.code not in ("ResourceNotFoundException", "ValidationException"):
                    raise
        await ignore_missing(api, "dynamodb", "DeleteTable", {"TableName": physical_id},
                             "ResourceNotFoundException")

    @staticmethod
    async def _attributes(api: Api, name: str) -> dict[str, Any]:
        table = (await api("dynamodb", "DescribeTable", {"TableName": name}))["Table"]
        out = {"Arn": table["TableArn"], "TableId": table.get("TableId", "")}
        if table.get("LatestStreamArn"):
            out["StreamArn"] = table["LatestStreamArn"]
        return out
