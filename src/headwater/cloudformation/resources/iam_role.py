"""AWS::IAM::Role: CreateRole, its inline Policies (PutRolePolicy) and ManagedPolicyArns
(AttachRolePolicy); Ref the role name; GetAtt Arn and RoleId. Updated in place (trust policy,
description, max session duration, inline and managed policies, tags); RoleName and Path are
create-only. Deletion detaches and deletes its policies first, as CloudFormation does."""

from __future__ import annotations

from typing import Any

import orjson

from headwater.cloudformation.resources.base import Api, Outcome, ServiceError, tags_list, tags_map


def document(value: Any) -> str:
    return value if isinstance(value, str) else orjson.dumps(value).decode()


class IamRole:
    replace_on: frozenset[str] = frozenset()

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        name = properties.get("RoleName") or api.name(64)
        request: dict[str, Any] = {
            "RoleName": name,
            "AssumeRolePolicyDocument": document(properties["AssumeRolePolicyDocument"])}
        for member in ("Path", "Description", "MaxSessionDuration", "PermissionsBoundary"):
            if member in properties:
                request[member] = properties[member]
        if properties.get("Tags"):
            request["Tags"] = tags_list(properties["Tags"])
        role = (await api("iam", "CreateRole", request))["Role"]
        for policy in properties.get("Policies") or []:
            await api("iam", "PutRolePolicy", {
                "RoleName": name, "PolicyName": policy["PolicyName"],
                "PolicyDocument": document(policy["PolicyDocument"])})
        for arn in properties.get("ManagedPolicyArns") or []:
            await api("iam", "AttachRolePolicy", {"RoleName": name, "PolicyArn": arn})
        return Outcome(name, {"Arn": role["Arn"], "RoleId": role["RoleId"]})

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        name = physical_id
        if old.get("AssumeRolePolicyDocument") != new.get("AssumeRolePolicyDocument"):
            await api("iam", "UpdateAssumeRolePolicy", {
                "RoleName": name, "PolicyDocument": document(new["AssumeRolePolicyDocument"])})
        if (old.get("Description"), old.get("MaxSessionDuration")) != (
                new.get("Description"), new.get("MaxSessionDuration")):
            await api("iam", "UpdateRole", {"RoleName": name,
                                            "Description": new.get("Description", ""),
                                            **({"MaxSessionDuration": new["MaxSessionDuration"]}
                                               if "MaxSessionDuration" in new else {})})
        before = {p["PolicyName"]: p for p in old.get("Policies") or []}
        after = {p["PolicyName"]: p for p in new.get("Policies") or []}
        for policy in before.keys() - after.keys():
            await api("iam", "DeleteRolePolicy", {"RoleName": name, "PolicyName": policy})
        for policy, body in after.items():
            if before.get(policy) != body:
                await api("iam", "PutRolePolicy", {
                    "RoleName": name, "PolicyName": policy,
                    "PolicyDocument": document(body["PolicyDocument"])})
        old_arns = set(old.get("ManagedPolicyArns") or [])
        new_arns = set(new.get("ManagedPolicyArns") or [])
        for arn in old_arns - new_arns:
            await api("iam", "DetachRolePolicy", {"RoleName": name, "PolicyArn": arn})
        for arn in new_arns - old_arns:
            await api("iam", "AttachRolePolicy", {"RoleName": name, "PolicyArn": arn})
        old_tags, new_tags = tags_map(old.get("Tags")), tags_map(new.get("Tags"))
        if old_tags != new_tags:
            gone = [key for key in old_tags if key not in new_tags]
            if gone:
                await api("iam", "UntagRole", {"RoleName": name, "TagKeys": gone})
            if new_tags:
                await api("iam", "TagRole", {"RoleName": name, "Tags": tags_list(new.get("Tags"))})
        return Outcome(name, attributes)

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        try:
            listed = await api("iam", "ListRolePolicies", {"RoleName": physical_id})
        except ServiceError as error:
            if error.code == "NoSuchEntity":
                return
            raise
        for policy in listed.get("PolicyNames", []):
            await api("iam", "DeleteRolePolicy", {"RoleName": physical_id, "PolicyName": policy})
        attached = await api("iam", "ListAttachedRolePolicies", {"RoleName": physical_id})
        for policy in attached.get("AttachedPolicies", []):
            await api("iam", "DetachRolePolicy", {"RoleName": physical_id,
                                                  "PolicyArn": policy["PolicyArn"]})
        await api("iam", "DeleteRole", {"RoleName": physical_id})
