"""What services ask of IAM, as a narrow interface the composition root fills (runtime.py builds
iam/enforcement.py's implementation under `--enforce-iam`, and `OPEN` without it): whether a
caller may make a request, whether Lambda may assume a function's execution role and what that
role may do, and the session credentials a function's worker runs with.

Services reach it through their context (`ctx.runtime.authority`), never by importing iam.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from headwater.core.principal import Principal


class Denied(Exception):
    """A request IAM does not allow; `message` is IAM's text (aws-facts §7). Each service
    answers it with its own error (DynamoDB and Lambda AccessDeniedException, SQS AccessDenied,
    SNS AuthorizationError)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class SessionKeys:
    """A role session's temporary credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
    AWS_SESSION_TOKEN)."""

    access_key_id: str
    secret: str
    session_token: str


class IssuedKey(Protocol):
    """What the server reads of a key IAM issued (iam/identities.py IssuedKey)."""

    @property
    def secret(self) -> str: ...

    @property
    def account(self) -> str: ...

    @property
    def principal_arn(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def session_token(self) -> str | None: ...

    @property
    def expires(self) -> float | None: ...


class KeyIssuer(Protocol):
    """The keys IAM issued (iam/identities.py Identities)."""

    def lookup_key(self, access_key_id: str) -> IssuedKey | None: ...


class Authority(Protocol):
    @property
    def enforcing(self) -> bool: ...

    def authorize(self, principal: Principal, service: str, operation: str,
                  request: Mapping[str, Any]) -> None:
        """Raise Denied unless `principal` may make this request of `service` (its signing
        name: dynamodb, lambda, sqs, ...)."""

    def lambda_can_assume(self, account: str, role_arn: str) -> bool:
        """Whether the role exists and its trust policy lets lambda.amazonaws.com assume it."""

    def role_allows(self, account: str, role_arn: str, action: str, resource: str) -> bool:
        """Whether a session of the role may perform `action` on `resource` (its identity
        policies and the resource's policy, as for a request)."""

    def role_session(self, account: str, role_arn: str, session_name: str
                     ) -> SessionKeys | None:
        """Credentials of a new session of the role (None when the role is missing)."""

    def policy_problem(self, text: str) -> str | None:
        """What is wrong with a resource-based policy document, in IAM's words, or None."""

    def resource_allows(self, principal: Principal, action: str, resource: str) -> bool:
        """Whether the resource's own policy allows `principal` the action (what opens
        another account's resource under --credentials without --enforce-iam)."""


class Open:
    """Nothing enforced (a server without --enforce-iam): everything is allowed, and workers
    keep their account's keys."""

    enforcing = False

    def authorize(self, principal: Principal, service: str, operation: str,
                  request: Mapping[str, Any]) -> None:
        return None

    def lambda_can_assume(self, account: str, role_arn: str) -> bool:
        return True

    def role_allows(self, account: str, role_arn: str, action: str, resource: str) -> bool:
        return True

    def role_session(self, account: str, role_arn: str, session_name: str
                     ) -> SessionKeys | None:
        return None

    def resource_allows(self, principal: Principal, action: str, resource: str) -> bool:
        return False

    def policy_problem(self, text: str) -> str | None:
        try:
            document = json.loads(text)
        except ValueError:
            return "Syntax errors in policy."
        return None if isinstance(document, dict) else "Syntax errors in policy."


OPEN = Open()
