"""What a worker can reach, when the server runs as root (Linux).

Each execution environment runs under a user id of its own, from a block of unnamed ids
(BLOCK_START + the server's block * BLOCK_SIZE + a slot), with no supplementary groups, in a
mount namespace of its own where:

- the data directory (or the in-memory server's code root) is covered by an empty tmpfs, and only
  the environment's own code directory (and the runtime's SDK directory, runtime_sdk.py) is
  mounted back, at the same path: the database, the other functions' code and the server's
  files are not there;
- /tmp is a tmpfs of its own (EphemeralStorage.Size), owned by its user;
- any directory on the way to what the worker needs (interpreter, bootstrap, boto3) that others
  may not enter (/root, when Python comes from pyenv) is covered too, with only those paths
  mounted back, so the worker runs without seeing the rest of it.

A user id per environment rather than one shared user: processes of one user may read each
other's /proc/PID/environ (another account's worker secret) and ptrace each other. Before an id
is used, and when its environment closes, every process running under it is killed, so nothing
an earlier environment left can meet the next one.

Without root (or where mount namespaces are refused) workers run as the server's user, and
`available` is False; the README says what a handler can reach then.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

log = logging.getLogger("headwater.functions")

BLOCK_START = 0x70000000  # above the ids systemd hands to users, containers and nspawn
BLOCK_SIZE = 0x10000
BLOCKS = 0xFF0  # up to 0x7FF00000, below the "foreign" range systemd keeps at 0x7FFE0000
CLONE_NEWNS = 0x00020000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 4096, 16384, 1 << 18
PROC = Path("/proc")

_libc: ctypes.CDLL | None = None
with contextlib.suppress(OSError, TypeError):
    _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    assert _libc is not None
    _check(_libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None,
                       flags, data.encode() if data else None), f"mount {target}")


def _private_namespace() -> None:
    assert _libc is not None
    _check(_libc.unshare(CLONE_NEWNS), "unshare")
    _mount("none", "/", None, MS_REC | MS_PRIVATE, None)


@functools.cache
def available() -> bool:
    """Root, on Linux, allowed to make mount namespaces (tried once in a child)."""
    if sys.platform != "linux" or os.geteuid() != 0 or _libc is None:
        return False
    try:
        done = subprocess.run(["/bin/sh", "-c", "exit 0"], preexec_fn=_private_namespace,
                              capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError) as error:
        log.warning("function workers run as root: no mount namespace (%s)", error)
        return False
    return done.returncode == 0


def _blocked_ancestor(path: Path) -> Path | None:
    """The highest directory above `path` that others may not enter, if any."""
    for parent in reversed(path.parents):
        try:
            if not os.stat(parent).st_mode & 0o001:
                return parent
        except OSError:
            return None
    return None


def _under(path: Path, roots: Iterable[Path]) -> Path | None:
    for root in roots:
        if path == root or root in path.parents:
            return root
    return None


def plan(hidden: Iterable[Path], needed: Iterable[Path], uid: int, tmp_mb: int,
         cwd: Path) -> Callable[[], None]:
    """The child's set-up, run as root between fork and exec: a mount namespace where the
    `hidden` directories and any closed directory above a `needed` one are empty tmpfs, the
    `needed` directories are mounted back at their paths, and /tmp is the worker's own. It
    enters `cwd` again at the end, so that `..` leads through the mounts, not around them."""
    needed = sorted({Path(os.path.realpath(path)) for path in needed})
    covers: list[Path] = []
    for path in [*(Path(os.path.realpath(p)) for p in hidden),
                 *filter(None, map(_blocked_ancestor, needed))]:
        covers.append(path)
    covers = sorted(set(covers), key=lambda p: len(p.parts))
    tops: list[Path] = []
    for cover in covers:
        if _under(cover, tops) is None and cover != Path("/tmp"):
            tops.append(cover)
    back = [path for path in needed if _under(path, [*tops, Path("/tmp")]) is not None]
    # A needed path may be a file (the runtime SDK once linked single-module packages such as
    # six.py; it is a directory of the cache now): it is bound onto an empty file of its own.
    files = {path for path in back if not path.is_dir()}
    tmp_options = f"mode=0700,uid={uid},gid={uid},size={tmp_mb}m"

    def setup() -> None:
        _private_namespace()
        # Opened in the new namespace (a bind's source must be in it), before the covers.
        fds = [os.open(path, os.O_PATH if path in files else os.O_PATH | os.O_DIRECTORY)
               for path in back]
        for top in tops:
            _mount("tmpfs", str(top), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0711,size=1m")
        _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, tmp_options)
        for path, fd in zip(back, fds):
            if path in files:
                _make_path(path.parent)
                if not path.exists():
                    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o644))
            else:
                _make_path(path)
            _mount(f"/proc/self/fd/{fd}", str(path), None, MS_BIND | MS_REC, None)
            os.close(fd)
        os.chdir(cwd)

    return setup


def _make_path(path: Path) -> None:
    """Create the missing directories down to `path`, each enterable but not listable."""
    for directory in [*reversed(path.parents), path]:
        if not directory.exists():
            os.mkdir(directory, 0o711)
            os.chmod(directory, 0o711)  # whatever the umask


def processes_of_user(uids: range) -> list[int]:
    found = []
    for entry in os.scandir(PROC):
        if not entry.name.isdigit():
            continue
        try:
            status = (PROC / entry.name / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("Uid:"):
                if any(int(uid) in uids for uid in line.split()[1:]):
                    found.append(int(entry.name))
                break
    return found


def kill_users(uids: range) -> int:
    pids = processes_of_user(uids)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    return len(pids)


class UserIds:
    """The block of user ids this server's workers run under (one per live environment)."""

    def __init__(self, token: str, size: int) -> None:
        block = int(token, 16) % BLOCKS
        self.first = BLOCK_START + block * BLOCK_SIZE
        self.size = min(size, BLOCK_SIZE)
        self._free = list(range(self.size - 1, -1, -1))

    def reap(self) -> int:
        """Kill whatever runs under this block (a SIGKILLed predecessor's leftovers)."""
        return kill_users(range(self.first, self.first + BLOCK_SIZE))

    def take(self) -> int | None:
        if not self._free:
            return None
        uid = self.first + self._free.pop()
        kill_users(range(uid, uid + 1))
        return uid

    def give_back(self, uid: int) -> None:
        kill_users(range(uid, uid + 1))
        self._free.append(uid - self.first)
