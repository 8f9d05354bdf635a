"""What every operation receives besides its request: caller identity, clock and storage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from headwater.runtime import Runtime


@dataclass(slots=True)
class RequestContext:
    account: str
    region: str
    request_id: str
    runtime: Runtime
    host: str = ""  # the request's Host header, for URLs in responses (SQS queue URLs)

    @property
    def url_host(self) -> str:
        """The host:port for URLs in responses: the one the client used (its Host header),
        else this server's own bound address."""
        return self.host or self.runtime.settings.address
