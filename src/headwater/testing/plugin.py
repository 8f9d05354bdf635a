"""Headwater's pytest plugin (entry point `pytest11: headwater`; installing Headwater is
enough). Fixtures:

- `headwater`: a fresh account (a new 12-digit access key) on one in-memory server shared by
  the whole session: `endpoint_url`, `account_id`, `region`, `client(service)`,
  `resource(service)`, `wait_for_trigger(uuid, records=1)`, `wait_for(check)`. Accounts never
  see each other's tables, functions, queues or topics, so tests are isolated with nothing to
  reset. Its `advance` refuses: the clock is one per server.
- `headwater_private`: the same, on a server of the test's own, so `advance(seconds)` moves a
  clock no other test reads.
- `headwater_server`: the session's server (`headwater.testing.Server`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from headwater.testing.embedded import Account, Server


class SharedAccount(Account):
    """An account on the session's shared server: its clock is not the test's to move."""

    def advance(self, seconds: float) -> float:
        raise RuntimeError(
            "the `headwater` fixture's server is shared by every test and its clock is one per "
            "server: use the `headwater_private` fixture (a server of the test's own) to move "
            "the clock")


@pytest.fixture(scope="session")
def headwater_server() -> Iterator[Server]:
    """One in-memory Headwater server for the test session."""
    with Server(in_memory=True) as server:
        yield server


@pytest.fixture
def headwater(headwater_server: Server) -> Account:
    """A fresh account on the session's server: nothing another test made is visible."""
    return SharedAccount(headwater_server)


@pytest.fixture
def headwater_private() -> Iterator[Account]:
    """A fresh account on a server of this test's own, whose clock it may move."""
    with Server(in_memory=True) as server:
        yield server.account()
