"""What every operation receives besides its request: caller identity, the request id, and a
typed handle on the services the operation may use.

Core knows nothing above it: the handle's type is a parameter. Each service package names what
its operations need as a Protocol (`dynamodb/context.py`, `queues/context.py`, ...) and types its
operations with `RequestContext[ThatProtocol]`; the composition root (server.py) passes the one
object that provides them all (runtime.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from headwater.core.principal import Principal


class ServerSettings(Protocol):
    """What core reads of the server's settings (headwater/settings.py provides them)."""

    @property
    def address(self) -> str: ...

    @property
    def credentials(self) -> object | None: ...

    @property
    def enforce_iam(self) -> bool: ...


class Served(Protocol):
    """The least every services handle offers: the server's settings."""

    @property
    def settings(self) -> ServerSettings: ...


# Covariant: a context over the runtime is a context over any narrower view of it.
Services = TypeVar("Services", bound=Served, covariant=True)


@dataclass(slots=True)
class RequestContext(Generic[Services]):
    account: str
    region: str
    request_id: str
    runtime: Services
    host: str = ""  # the request's Host header, for URLs in responses (SQS queue URLs)
    # The access key id of the request's credential ("" when unsigned): IAM and STS tell an
    # IAM user or a role session from the account's root by it (iam/identities.py).
    access_key: str = ""
    # The verified caller (core/principal.py); None in in-process calls, which act as the
    # account's root (`caller`).
    principal: Principal | None = None
    # Where DynamoDB operations report each capacity charge, as (table name, units or
    # capacity.Charge, read), when something records them (the CloudWatch recorder puts a list
    # here); None when nothing does. The charge is the one the operation computes anyway, so
    # recording costs no ConsumedCapacity dicts built and trimmed back.
    charges: list[Any] | None = None

    @property
    def caller(self) -> Principal:
        """Who makes the request: its verified principal, else the account's root."""
        return self.principal or Principal.root(self.account, self.region)

    @property
    def url_host(self) -> str:
        """The host:port for URLs in responses: the one the client used (its Host header),
        else this server's own bound address."""
        return self.host or self.runtime.settings.address

