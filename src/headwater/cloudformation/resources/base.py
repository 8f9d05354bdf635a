"""What a resource type module provides (create, update in place, delete) and what it uses:
`Api`, the services' operations called as the stack's caller, and generated physical names."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from typing import Any, Protocol

from headwater.cloudformation.calls import ServiceCalls
from headwater.core.principal import Principal
from headwater.wire.errors import AwsError

SUFFIX_ALPHABET = string.ascii_uppercase + string.digits


class ServiceError(Exception):
    """A service refused an operation: its own error, and which service it was."""

    def __init__(self, service: str, error: AwsError) -> None:
        super().__init__(error.message)
        self.service = service
        self.error = error

    @property
    def code(self) -> str:
        return self.error.code


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a resource is once created or updated: its physical id (what Ref returns unless
    `ref` says otherwise) and the attributes Fn::GetAtt reads."""

    physical_id: str
    attributes: dict[str, Any] = field(default_factory=dict)
    # Properties the template set that Headwater keeps with the stack but does not apply (no
    # such feature here): named in the resource's *_COMPLETE event, never silently dropped.
    unapplied: tuple[str, ...] = ()

    @property
    def note(self) -> str:
        """The ResourceStatusReason of the resource's *_COMPLETE event."""
        if not self.unapplied:
            return ""
        return ("Headwater recorded these properties and does not apply them: "
                + ", ".join(self.unapplied))


def present(properties: dict[str, Any], names: tuple[str, ...]) -> tuple[str, ...]:
    """Which of `names` the template sets (for Outcome.unapplied)."""
    return tuple(name for name in names if properties.get(name) is not None)


@dataclass(frozen=True, slots=True)
class Api:
    calls: ServiceCalls
    caller: Principal
    account: str
    region: str
    stack_name: str
    logical_id: str

    async def __call__(self, service: str, operation: str, request: dict[str, Any]
                       ) -> dict[str, Any]:
        try:
            return await self.calls.call(self.caller, service, operation, request)
        except AwsError as error:
            raise ServiceError(service, error) from None

    def has(self, service: str, operation: str) -> bool:
        return self.calls.has(service, operation)

    def name(self, limit: int, suffix: str = "", lower: bool = False) -> str:
        """A generated physical name as CloudFormation makes them: stack name, logical id and
        a random part (`mystack-MyTable-1A2B3C4D5E6F7`), cut to `limit` characters."""
        random = "".join(secrets.choice(SUFFIX_ALPHABET) for _ in range(13))
        room = limit - len(random) - len(suffix) - 2
        stack, logical = self.stack_name, self.logical_id
        if len(stack) + len(logical) > room:
            stack = stack[:max(room // 2, room - len(logical))]
            logical = logical[:room - len(stack)]
        made = f"{stack}-{logical}-{random}{suffix}"
        return made.lower() if lower else made


class ResourceType(Protocol):
    # Properties whose change replaces the resource beyond the schema's createOnlyProperties.
    replace_on: frozenset[str]

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome: ...

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome: ...

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]
                     ) -> None: ...


async def ignore_missing(api: Api, service: str, operation: str, request: dict[str, Any],
                         *codes: str) -> None:
    """Call a deletion, taking `codes` (not found) as done: a resource deleted outside the
    stack is gone, as CloudFormation finds it."""
    try:
        await api(service, operation, request)
    except ServiceError as error:
        if error.code not in codes:
            raise


def tags_list(tags: list[dict[str, str]] | None) -> list[dict[str, str]]:
    return [{"Key": tag["Key"], "Value": tag["Value"]} for tag in tags or []]


def tags_map(tags: list[dict[str, str]] | None) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in tags or []}
