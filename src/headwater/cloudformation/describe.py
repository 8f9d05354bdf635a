"""Stacks and resources as DescribeStacks, ListStacks and DescribeStackResource(s) show them."""

from __future__ import annotations

from typing import Any

import orjson

from headwater.cloudformation.model import Resource, Stack
from headwater.cloudformation.template import parameters

NOT_CHECKED = {"StackDriftStatus": "NOT_CHECKED"}


def stack_description(stack: Stack) -> dict[str, Any]:
    out: dict[str, Any] = {
        "StackId": stack.stack_id, "StackName": stack.name,
        "Parameters": parameters.described(stack.template, stack.parameters),
        "CreationTime": stack.created, "StackStatus": stack.status,
        "DisableRollback": stack.disable_rollback,
        "NotificationARNs": stack.notification_arns, "Capabilities": stack.capabilities,
        "Outputs": stack.outputs, "Tags": stack.tags,
        "EnableTerminationProtection": stack.termination_protection,
        "DriftInformation": NOT_CHECKED,
    }
    optional = {"ChangeSetId": stack.change_set_id, "Description": stack.description,
                "LastUpdatedTime": stack.updated, "DeletionTime": stack.deleted,
                "StackStatusReason": stack.reason or None, "RoleARN": stack.role_arn,
                "TimeoutInMinutes": stack.timeout}
    out.update({key: value for key, value in optional.items() if value is not None})
    if not out["Outputs"]:
        del out["Outputs"]
    return out


def stack_summary(stack: Stack) -> dict[str, Any]:
    out: dict[str, Any] = {"StackId": stack.stack_id, "StackName": stack.name,
                           "CreationTime": stack.created, "StackStatus": stack.status,
                           "DriftInformation": {"StackDriftStatus": "NOT_CHECKED"}}
    optional = {"TemplateDescription": stack.description, "LastUpdatedTime": stack.updated,
                "DeletionTime": stack.deleted, "StackStatusReason": stack.reason or None}
    out.update({key: value for key, value in optional.items() if value is not None})
    return out


def resource_summary(resource: Resource) -> dict[str, Any]:
    out: dict[str, Any] = {"LogicalResourceId": resource.logical_id,
                           "ResourceType": resource.type,
                           "LastUpdatedTimestamp": resource.updated,
                           "ResourceStatus": resource.status,
                           "DriftInformation": {"StackResourceDriftStatus": "NOT_CHECKED"}}
    if resource.physical_id:
        out["PhysicalResourceId"] = resource.physical_id
    if resource.reason:
        out["ResourceStatusReason"] = resource.reason
    return out


def resource_description(stack: Stack, resource: Resource, detail: bool) -> dict[str, Any]:
    out = resource_summary(resource)
    out.update({"StackName": stack.name, "StackId": stack.stack_id})
    if detail:
        if resource.metadata is not None:
            out["Metadata"] = orjson.dumps(resource.metadata).decode()
    else:
        out["Timestamp"] = out.pop("LastUpdatedTimestamp")
    return out
