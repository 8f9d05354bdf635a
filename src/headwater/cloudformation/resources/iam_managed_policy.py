"""AWS::IAM::ManagedPolicy: CreatePolicy, attached to its Roles and Users; Ref the policy ARN;
GetAtt PolicyArn, PolicyId, AttachmentCount, DefaultVersionId, IsAttachable. A document change
makes a new default version (the oldest non-default one deleted at five, as CloudFormation
does); ManagedPolicyName, Path and Description are create-only."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation.errors import DeploymentFailure
from headwater.cloudformation.resources.base import Api, Outcome, ServiceError
from headwater.cloudformation.resources.iam_role import document


class IamManagedPolicy:
    replace_on: frozenset[str] = frozenset()

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        if properties.get("Groups"):
            raise DeploymentFailure("Headwater has no IAM groups: Groups is not supported.")
        request: dict[str, Any] = {
            "PolicyName": properties.get("ManagedPolicyName") or api.name(128),
            "PolicyDocument": document(properties["PolicyDocument"])}
        for member in ("Path", "Description"):
            if member in properties:
                request[member] = properties[member]
        policy = (await api("iam", "CreatePolicy", request))["Policy"]
        arn = policy["Arn"]
        await self._attach(api, arn, properties.get("Roles"), properties.get("Users"))
        return Outcome(arn, await self._attributes(api, arn))

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        arn = physical_id
        if old.get("PolicyDocument") != new.get("PolicyDocument"):
            versions = (await api("iam", "ListPolicyVersions", {"PolicyArn": arn}))["Versions"]
            if len(versions) >= 5:
                oldest = min((v for v in versions if not v["IsDefaultVersion"]),
                             key=lambda v: v["CreateDate"])
                await api("iam", "DeletePolicyVersion", {"PolicyArn": arn,
                                                         "VersionId": oldest["VersionId"]})
            await api("iam", "CreatePolicyVersion", {
                "PolicyArn": arn, "PolicyDocument": document(new["PolicyDocument"]),
                "SetAsDefault": True})
        for role in set(old.get("Roles") or []) - set(new.get("Roles") or []):
            await api("iam", "DetachRolePolicy", {"RoleName": role, "PolicyArn": arn})
        for user in set(old.get("Users") or []) - set(new.get("Users") or []):
            await api("iam", "DetachUserPolicy", {"UserName": user, "PolicyArn": arn})
        await self._attach(api, arn, sorted(set(new.get("Roles") or [])
                                            - set(old.get("Roles") or [])),
                           sorted(set(new.get("Users") or []) - set(old.get("Users") or [])))
        return Outcome(arn, await self._attributes(api, arn))

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        for role in properties.get("Roles") or []:
            await _quietly(api, "DetachRolePolicy", {"RoleName": role, "PolicyArn": physical_id})
        for user in properties.get("Users") or []:
            await _quietly(api, "DetachUserPolicy", {"UserName": user, "PolicyArn": physical_id})
        try:
            versions = (await api("iam", "ListPolicyVersions", {"PolicyArn": physical_id}))[
                "Versions"]
        except ServiceError as error:
            if error.code == "NoSuchEntity":
                return
            raise
        for version in versions:
            if not version["IsDefaultVersion"]:
                await api("iam", "DeletePolicyVersion", {"PolicyArn": physical_id,
                                                         "VersionId": version["VersionId"]})
        await _quietly(api, "DeletePolicy", {"PolicyArn": physical_id})

    @staticmethod
    async def _attach(api: Api, arn: str, roles: list[str] | None,
                      users: list[str] | None) -> None:
        for role in roles or []:
            await api("iam", "AttachRolePolicy", {"RoleName": role, "PolicyArn": arn})
        for user in users or []:
            await api("iam", "AttachUserPolicy", {"UserName": user, "PolicyArn": arn})

    @staticmethod
    async def _attributes(api: Api, arn: str) -> dict[str, Any]:
        policy = (await api("iam", "GetPolicy", {"PolicyArn": arn}))["Policy"]
        return {"PolicyArn": arn, "PolicyId": policy["PolicyId"],
                "AttachmentCount": policy.get("AttachmentCount", 0),
                "DefaultVersionId": policy.get("DefaultVersionId", "v1"),
                "IsAttachable": policy.get("IsAttachable", True)}


async def _quietly(api: Api, operation: str, request: dict[str, Any]) -> None:
    try:
        await api("iam", operation, request)
    except ServiceError as error:
        if error.code != "NoSuchEntity":
            raise
