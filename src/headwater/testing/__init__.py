"""Testing support for Headwater's users: an embedded server (`headwater.testing.Server`, also
`headwater.Server`) and a pytest plugin (plugin.py, registered as the `headwater` pytest11
entry point, so installing Headwater is enough to get its fixtures)."""

from __future__ import annotations

from headwater.testing.embedded import Account, Server, ServerError

__all__ = ["Account", "Server", "ServerError"]
