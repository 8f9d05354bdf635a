"""Stacks, their resources, events and change sets as the store keeps them (JSON documents
with a few indexed columns, store.py)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

# Stack statuses in which no operation runs (CloudFormation API reference, StackStatus).
IN_PROGRESS_SUFFIXES = ("_IN_PROGRESS",)
DELETE_COMPLETE = "DELETE_COMPLETE"
REVIEW_IN_PROGRESS = "REVIEW_IN_PROGRESS"


@dataclass(slots=True)
class Stack:
    stack_id: str
    name: str
    account: str
    region: str
    status: str
    created: float
    template_body: str
    template: dict[str, Any]  # as processed (transforms applied)
    parameters: dict[str, str]
    caller: dict[str, str]  # the Principal whose credentials deploy it (core/principal.py)
    reason: str = ""
    updated: float | None = None
    deleted: float | None = None
    description: str | None = None
    tags: list[dict[str, str]] = field(default_factory=list)
    capabilities: list[str] = field(default_factory=list)
    outputs: list[dict[str, str]] = field(default_factory=list)
    termination_protection: bool = False
    disable_rollback: bool = False
    notification_arns: list[str] = field(default_factory=list)
    role_arn: str | None = None
    timeout: int | None = None
    change_set_id: str | None = None
    imports: list[str] = field(default_factory=list)  # export names its template imports

    @property
    def in_progress(self) -> bool:
        return self.status.endswith("_IN_PROGRESS") and self.status != REVIEW_IN_PROGRESS

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Stack:
        return cls(**data)


@dataclass(slots=True)
class Resource:
    logical_id: str
    type: str
    status: str
    updated: float
    physical_id: str | None = None
    reason: str = ""
    properties: dict[str, Any] = field(default_factory=dict)  # resolved, as last applied
    attributes: dict[str, Any] = field(default_factory=dict)  # what Fn::GetAtt returns
    definition: dict[str, Any] = field(default_factory=dict)  # the template's resource
    metadata: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Resource:
        return cls(**data)


@dataclass(slots=True)
class ChangeSet:
    change_set_id: str
    name: str
    stack_id: str
    stack_name: str
    kind: str  # CREATE or UPDATE
    status: str
    execution_status: str
    created: float
    template_body: str
    template: dict[str, Any]
    parameters: dict[str, str]
    changes: list[dict[str, Any]]
    reason: str = ""
    description: str | None = None
    capabilities: list[str] = field(default_factory=list)
    tags: list[dict[str, str]] | None = None
    role_arn: str | None = None
    notification_arns: list[str] | None = None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChangeSet:
        return cls(**data)
