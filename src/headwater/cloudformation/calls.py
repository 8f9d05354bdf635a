"""The seam through which stacks act on the other services: an operation of a service by
name, run in-process as the given caller, with that service's own validation, authorisation
(--enforce-iam applies the caller's, or the stack role's, permissions as AWS does) and errors.
The composition root provides it (services.py)."""

from __future__ import annotations

from typing import Any, Protocol

from headwater.core.principal import Principal


class ServiceCalls(Protocol):
    async def call(self, caller: Principal, service: str, operation: str,
                   request: dict[str, Any]) -> dict[str, Any]:
        """The operation's response; raises the service's AwsError."""
        ...

    def has(self, service: str, operation: str) -> bool:
        """Whether this server serves the operation (S3 and global tables may be absent)."""
        ...
