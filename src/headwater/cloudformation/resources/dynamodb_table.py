"""AWS::DynamoDB::Table: Ref the table name; GetAtt Arn, StreamArn. Created with CreateTable
(then UpdateTimeToLive), updated in place with UpdateTable (billing, throughput, GSIs added or
removed one at a time, streams, deletion protection, table class), UpdateTimeToLive and tags;
a KeySchema or LSI change replaces the table, as CloudFormation documents ("Update requires:
Replacement"). PointInTimeRecoverySpecification and ContributorInsightsSpecification are
accepted and have no effect (Headwater keeps no backups and no insights)."""

from __future__ import annotations

from typing import Any

import orjson

from headwater.cloudformation.errors import DeploymentFailure
from headwater.cloudformation.resources.base import (
    Api,
    Outcome,
    ignore_missing,
    present,
    tags_list,
    tags_map,
)

IGNORED = ("PointInTimeRecoverySpecification", "ContributorInsightsSpecification",
           "ImportSourceSpecification", "KinesisStreamSpecification")
PASSED = ("AttributeDefinitions", "KeySchema", "BillingMode", "ProvisionedThroughput",
          "LocalSecondaryIndexes", "SSESpecification", "TableClass", "DeletionProtectionEnabled",
          "OnDemandThroughput", "WarmThroughput")


class DynamoDbTable:
    replace_on: frozenset[str] = frozenset({"KeySchema", "LocalSecondaryIndexes"})

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        if properties.get("KinesisStreamSpecification"):
            raise DeploymentFailure("Headwater does not support KinesisStreamSpecification.")
        name = properties.get("TableName") or api.name(255)
        request: dict[str, Any] = {"TableName": name}
        for member in PASSED:
            if member in properties:
                request[member] = properties[member]
        if properties.get("GlobalSecondaryIndexes"):
            request["GlobalSecondaryIndexes"] = [_index(index) for index in
                                                 properties["GlobalSecondaryIndexes"]]
        if properties.get("LocalSecondaryIndexes"):
            request["LocalSecondaryIndexes"] = [_index(index) for index in
                                                properties["LocalSecondaryIndexes"]]
        if properties.get("StreamSpecification"):
            request["StreamSpecification"] = _stream(properties["StreamSpecification"])
        if properties.get("Tags"):
            request["Tags"] = tags_list(properties["Tags"])
        if properties.get("ResourcePolicy"):
            request["ResourcePolicy"] = _document(properties["ResourcePolicy"]["PolicyDocument"])
        if request.get("BillingMode") is None and "ProvisionedThroughput" not in request:
            request["BillingMode"] = "PROVISIONED"
        described = (await api("dynamodb", "CreateTable", request))["TableDescription"]
        ttl = properties.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            await api("dynamodb", "UpdateTimeToLive", {
                "TableName": name, "TimeToLiveSpecification": {
                    "Enabled": True, "AttributeName": ttl["AttributeName"]}})
        return Outcome(name, _attributes(described), present(properties, IGNORED))

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        name = physical_id
        change: dict[str, Any] = {}
        for member in ("BillingMode", "ProvisionedThroughput", "TableClass",
                       "DeletionProtectionEnabled", "OnDemandThroughput", "WarmThroughput"):
            if old.get(member) != new.get(member) and member in new:
                change[member] = new[member]
        if change.get("BillingMode") == "PROVISIONED" or (
                "ProvisionedThroughput" in change and new.get("BillingMode") != "PAY_PER_REQUEST"):
            change["ProvisionedThroughput"] = new.get("ProvisionedThroughput")
        if change:
            await api("dynamodb", "UpdateTable", {"TableName": name, **change})
        await self._indexes(api, name, old, new)
        await self._stream(api, name, old.get("StreamSpecification"),
                           new.get("StreamSpecification"))
        await self._ttl(api, name, old.get("TimeToLiveSpecification"),
                        new.get("TimeToLiveSpecification"))
        await self._tags(api, attributes["Arn"], old.get("Tags"), new.get("Tags"))
        described = (await api("dynamodb", "DescribeTable", {"TableName": name}))["Table"]
        return Outcome(name, _attributes(described), present(new, IGNORED))

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        await ignore_missing(api, "dynamodb", "DeleteTable", {"TableName": physical_id},
                             "ResourceNotFoundException")

    @staticmethod
    async def _indexes(api: Api, name: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        before = {i["IndexName"]: i for i in old.get("GlobalSecondaryIndexes") or []}
        after = {i["IndexName"]: i for i in new.get("GlobalSecondaryIndexes") or []}
        for index in before.keys() - after.keys():
            await api("dynamodb", "UpdateTable", {
                "TableName": name,
                "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": index}}]})
        for index, definition in after.items():
            if index not in before:
                await api("dynamodb", "UpdateTable", {
                    "TableName": name, "AttributeDefinitions": new["AttributeDefinitions"],
                    "GlobalSecondaryIndexUpdates": [{"Create": _index(definition)}]})
            elif before[index] != definition and definition.get("ProvisionedThroughput") and (
                    before[index].get("ProvisionedThroughput")
                    != definition.get("ProvisionedThroughput")):
                await api("dynamodb", "UpdateTable", {
                    "TableName": name, "GlobalSecondaryIndexUpdates": [{"Update": {
                        "IndexName": index,
                        "ProvisionedThroughput": definition["ProvisionedThroughput"]}}]})

    @staticmethod
    async def _stream(api: Api, name: str, old: dict[str, Any] | None,
                      new: dict[str, Any] | None) -> None:
        if old == new:
            return
        if old:
            await api("dynamodb", "UpdateTable", {"TableName": name,
                                                  "StreamSpecification": {"StreamEnabled": False}})
        if new:
            await api("dynamodb", "UpdateTable", {"TableName": name,
                                                  "StreamSpecification": _stream(new)})

    @staticmethod
    async def _ttl(api: Api, name: str, old: dict[str, Any] | None,
                   new: dict[str, Any] | None) -> None:
        before = old if old and old.get("Enabled") else None
        after = new if new and new.get("Enabled") else None
        if before == after:
            return
        if before:
            await api("dynamodb", "UpdateTimeToLive", {
                "TableName": name, "TimeToLiveSpecification": {
                    "Enabled": False, "AttributeName": before["AttributeName"]}})
        if after:
            await api("dynamodb", "UpdateTimeToLive", {
                "TableName": name, "TimeToLiveSpecification": {
                    "Enabled": True, "AttributeName": after["AttributeName"]}})

    @staticmethod
    async def _tags(api: Api, arn: str, old: list[dict[str, str]] | None,
                    new: list[dict[str, str]] | None) -> None:
        before, after = tags_map(old), tags_map(new)
        removed = [key for key in before if key not in after]
        if removed:
            await api("dynamodb", "UntagResource", {"ResourceArn": arn, "TagKeys": removed})
        added = {k: v for k, v in after.items() if before.get(k) != v}
        if added:
            await api("dynamodb", "TagResource", {"ResourceArn": arn, "Tags": [
                {"Key": k, "Value": v} for k, v in added.items()]})


def _index(index: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in index.items()
            if key not in ("ContributorInsightsSpecification",)}


def _stream(specification: dict[str, Any]) -> dict[str, Any]:
    if "StreamViewType" not in specification:
        return {"StreamEnabled": False}
    return {"StreamEnabled": True, "StreamViewType": specification["StreamViewType"]}


def _document(document: Any) -> str:
    return document if isinstance(document, str) else orjson.dumps(document).decode()


def _attributes(described: dict[str, Any]) -> dict[str, Any]:
    attributes = {"Arn": described["TableArn"]}
    if described.get("LatestStreamArn") and described.get("StreamSpecification", {}).get(
            "StreamEnabled"):
        attributes["StreamArn"] = described["LatestStreamArn"]
    return attributes
