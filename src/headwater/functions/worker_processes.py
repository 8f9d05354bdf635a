"""Worker processes' lives are tied to the server's (Linux):

- each worker asks the kernel for SIGKILL when the server dies (prctl PR_SET_PDEATHSIG), so a
  SIGKILLed server does not leave a handler running;
- each worker leads a session of its own, and carries TAG=<server token>/<environment id> in
  its environment, which its children inherit: closing an environment kills its session and every
  process carrying its tag, including children that called setsid;
- a server with a data directory uses a token derived from that directory, and at start-up kills
  the processes a SIGKILLed predecessor left (the children of its workers, which the kernel does
  not signal).

A process that replaces its whole environment and leaves the session escapes; the README says so.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import os
import secrets
import signal
import sys
from collections.abc import Callable
from pathlib import Path

TAG = "_HEADWATER_WORKER"
PROC = Path("/proc")
PR_SET_PDEATHSIG = 1

_libc: ctypes.CDLL | None = None
with contextlib.suppress(OSError, TypeError):
    _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def server_token(data_dir: Path | None) -> str:
    """Stable for a data directory (a successor finds the leftovers); random in memory."""
    if data_dir is None:
        return secrets.token_hex(8)
    return hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]


def tag_value(token: str, environment_id: str) -> str:
    return f"{token}/{environment_id}"


def preexec(identity: tuple[int, int] | None = None,
            before: Callable[[], None] | None = None) -> Callable[[], None]:
    """The function the child runs between fork and exec: `before` (mounts, as root), then the
    unprivileged identity (uid, gid) if any, then the parent-death signal, which a change of
    identity would clear, so it comes last."""
    parent = os.getpid()
    prctl = getattr(_libc, "prctl", None) if sys.platform == "linux" else None

    def setup() -> None:
        if before is not None:
            before()
        if identity is not None:
            uid, gid = identity
            os.setgroups([])
            os.setresgid(gid, gid, gid)
            os.setresuid(uid, uid, uid)
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the server died before the signal was asked for
            os._exit(1)

    return setup


def tagged(prefix: str) -> list[int]:
    """The pids whose environment holds TAG=`prefix`... (this one excluded)."""
    wanted = f"{TAG}={prefix}".encode()
    found = []
    me = os.getpid()
    for entry in os.scandir(PROC):
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            environ = (PROC / entry.name / "environ").read_bytes()
        except OSError:
            continue
        if any(item.startswith(wanted) for item in environ.split(b"\0")):
            found.append(int(entry.name))
    return found


def session_of(pid: int) -> int | None:
    try:
        stat = (PROC / str(pid) / "stat").read_bytes()
        return int(stat[stat.rfind(b")") + 2:].split()[3])
    except (OSError, ValueError, IndexError):
        return None


def kill_environment(token: str, environment_id: str, session: int | None) -> None:
    """Kill an environment's worker session and every process carrying its tag."""
    if session is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(session, signal.SIGKILL)
    if not PROC.is_dir():
        return
    for pid in tagged(tag_value(token, environment_id)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def reap_leftovers(token: str) -> int:
    """Kill what a previous server with this token left running; how many."""
    if not PROC.is_dir():
        return 0
    pids = tagged(f"{token}/")
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    return len(pids)


class PeakReader:
    """A process's VmHWM (its peak resident memory: the kernel reports it as at least the
    current VmRSS) from a /proc/<pid>/status kept open and read again from its start, several
    times cheaper than opening and splitting the file at every look."""

    _MARK = b"VmHWM:"

    def __init__(self, pid: int) -> None:
        """Opens the status file now, while `pid` is surely the worker (not a reused pid)."""
        self._fd: int | None = None
        with contextlib.suppress(OSError):
            self._fd = os.open(PROC / str(pid) / "status", os.O_RDONLY | os.O_CLOEXEC)

    def peak_kb(self) -> int:
        """VmHWM in KB; 0 when the process is gone (or its status cannot be read)."""
        if self._fd is None:
            return 0
        try:
            data = os.pread(self._fd, 8192, 0)
        except OSError:
            return 0
        at = data.find(self._MARK)
        if at < 0:
            return 0
        end = data.find(b"\n", at)
        try:
            return int(data[at + len(self._MARK):end].split()[0])
        except (ValueError, IndexError):
            return 0

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)


def rss_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in KB; (0, 0) when it is gone."""
    rss = hwm = 0
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return rss, hwm
