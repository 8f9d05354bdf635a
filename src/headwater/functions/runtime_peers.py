"""Who may use an execution environment's Runtime API: only the processes of its worker's
session (the worker runs in a session of its own). Any local process can connect to a loopback
port, so each request's client socket is looked up by its port pair in /proc/net/tcp and must be
held open by a process of that session; others are refused, so they can neither take the next
invocation (and read its payload) nor answer one.

A check on the connection rather than a secret in AWS_LAMBDA_RUNTIME_API, because clients
differ in how they use that value: awslambdaric posts init errors through http.client, the Node
client and Rust's lambda_runtime split it into host and port, and all of them would lose a path
prefix. Linux only (/proc); elsewhere every local process is let in, as before."""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")
TCP_TABLES = (PROC / "net" / "tcp", PROC / "net" / "tcp6")


def available() -> bool:
    return TCP_TABLES[0].exists()


def socket_inode(client_port: int, server_port: int) -> int | None:
    """The inode of the client end of a loopback connection, from the kernel's TCP table."""
    for table in TCP_TABLES:
        try:
            with table.open() as rows:
                next(rows, None)
                for row in rows:
                    fields = row.split()
                    if len(fields) < 10:
                        continue
                    if (int(fields[1].rpartition(":")[2], 16) == client_port
                            and int(fields[2].rpartition(":")[2], 16) == server_port):
                        return int(fields[9]) or None
        except (OSError, ValueError):
            continue
    return None


def session_members(session: int) -> list[int]:
    """The pids whose session id is `session` (a worker's pid: it leads its own session)."""
    members = []
    for entry in os.scandir(PROC):
        if not entry.name.isdigit():
            continue
        try:
            stat = (PROC / entry.name / "stat").read_bytes()
        except OSError:
            continue
        # "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses.
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 3 and int(fields[3]) == session:
            members.append(int(entry.name))
    return members


def holds_socket(pids: list[int], inode: int) -> bool:
    target = f"socket:[{inode}]"
    for pid in pids:
        fd_dir = PROC / str(pid) / "fd"
        try:
            names = os.listdir(fd_dir)
        except OSError:
            continue
        for name in names:
            try:
                if os.readlink(fd_dir / name) == target:
                    return True
            except OSError:
                continue
    return False


class PeerCheck:
    """Remembers the connections already found to be the worker's.

    The HTTP server makes one `peer` tuple per connection and hands that same object with
    every request on it (http/connection.py), so a request whose `peer` IS a verified tuple
    came over a verified connection: no /proc lookup (a scan of the whole TCP table, which cost
    a third of the server's CPU per trigger invocation). The verified tuples are held here, so
    their identities cannot be reused by a later connection's. A server that made a new tuple
    per request would only lose the shortcut, never let a stranger in."""

    def __init__(self, session: int, server_port: int) -> None:
        self.session = session
        self.server_port = server_port
        self._known: set[int] = set()
        self._connections: list[tuple[str, int]] = []

    def allows(self, peer: tuple[str, int] | None) -> bool:
        if peer is None:
            return False
        if any(peer is known for known in self._connections):
            return True
        inode = socket_inode(peer[1], self.server_port)
        if inode is None:
            return False
        if inode not in self._known:
            if not holds_socket(session_members(self.session), inode):
                return False
            if len(self._known) > 64:
                self._known.clear()
            self._known.add(inode)
        if len(self._connections) >= 8:
            del self._connections[0]
        self._connections.append(peer)
        return True
