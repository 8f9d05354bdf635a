"""PeerCheck: a verified connection's requests skip the /proc lookup; others never do."""

from __future__ import annotations

import pytest

from headwater.functions import runtime_peers
from headwater.functions.runtime_peers import PeerCheck


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    seen: list[int] = []

    def inode(client_port: int, server_port: int) -> int | None:
        seen.append(client_port)
        return 1000 + client_port if client_port < 50000 else None

    monkeypatch.setattr(runtime_peers, "socket_inode", inode)
    monkeypatch.setattr(runtime_peers, "session_members", lambda session: [session])
    monkeypatch.setattr(runtime_peers, "holds_socket",
                        lambda pids, inode: inode == 1000 + 40001)
    return seen


def test_a_verified_connection_is_not_looked_up_again(lookups: list[int]) -> None:
    check = PeerCheck(7, 9000)
    peer = ("127.0.0.1", 40001)  # one object per connection, as the HTTP server makes it
    assert check.allows(peer) and check.allows(peer) and check.allows(peer)
    assert lookups == [40001]


def test_an_equal_address_on_another_connection_is_checked_again(lookups: list[int]) -> None:
    check = PeerCheck(7, 9000)
    assert check.allows(("127.0.0.1", 40001))
    assert check.allows(("127.0.0.1", int("40001")))  # an equal tuple, not the same object
    assert lookups == [40001, 40001]


def test_strangers_stay_refused(lookups: list[int]) -> None:
    check = PeerCheck(7, 9000)
    stranger = ("127.0.0.1", 40002)  # its socket is held by no process of the session
    assert not check.allows(stranger) and not check.allows(stranger)
    assert not check.allows(("127.0.0.1", 60000))  # no such connection in the TCP table
    assert not check.allows(None)
    assert lookups == [40002, 40002, 60000]
