"""AWS::IAM::Policy: an inline policy put on each of its Roles and Users (PutRolePolicy,
PutUserPolicy; Groups are refused: Headwater has no IAM groups); Ref a generated id (GetAtt Id).
Updated in place; deletion removes it from each."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation.errors import DeploymentFailure
from headwater.cloudformation.resources.base import Api, Outcome, ServiceError
from headwater.cloudformation.resources.iam_role import document


class IamPolicy:
    replace_on: frozenset[str] = frozenset()

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        if properties.get("Groups"):
            raise DeploymentFailure("Headwater has no IAM groups: Groups is not supported.")
        await self._put(api, properties)
        physical = api.name(64).replace("-", "")[:32]
        return Outcome(physical, {"Id": physical})

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        gone_roles = set(old.get("Roles") or []) - set(new.get("Roles") or [])
        gone_users = set(old.get("Users") or []) - set(new.get("Users") or [])
        renamed = old.get("PolicyName") != new.get("PolicyName")
        await self._remove(api, old, roles=None if renamed else gone_roles,
                           users=None if renamed else gone_users)
        await self._put(api, new)
        return Outcome(physical_id, attributes)

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        await self._remove(api, properties, None, None)

    @staticmethod
    async def _put(api: Api, properties: dict[str, Any]) -> None:
        body = document(properties["PolicyDocument"])
        for role in properties.get("Roles") or []:
            await api("iam", "PutRolePolicy", {"RoleName": role, "PolicyName":
                                               properties["PolicyName"], "PolicyDocument": body})
        for user in properties.get("Users") or []:
            await api("iam", "PutUserPolicy", {"UserName": user, "PolicyName":
                                               properties["PolicyName"], "PolicyDocument": body})

    @staticmethod
    async def _remove(api: Api, properties: dict[str, Any], roles: set[str] | None,
                      users: set[str] | None) -> None:
        for role in properties.get("Roles") or [] if roles is None else roles:
            try:
                await api("iam", "DeleteRolePolicy", {"RoleName": role,
                                                      "PolicyName": properties["PolicyName"]})
            except ServiceError as error:
                if error.code != "NoSuchEntity":
                    raise
        for user in properties.get("Users") or [] if users is None else users:
            try:
                await api("iam", "DeleteUserPolicy", {"UserName": user,
                                                      "PolicyName": properties["PolicyName"]})
            except ServiceError as error:
                if error.code != "NoSuchEntity":
                    raise
