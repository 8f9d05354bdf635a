"""Finding a server's function worker processes from a test (which runs as the same user or
root): they carry _HEADWATER_WORKER and AWS_LAMBDA_FUNCTION_NAME in their environment."""

from __future__ import annotations

from pathlib import Path


def processes_of(function: str) -> dict[int, str]:
    """pid -> command line of every live process running for `function`."""
    found = {}
    wanted = f"AWS_LAMBDA_FUNCTION_NAME={function}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if wanted in environ and any(item.startswith(b"_HEADWATER_WORKER=") for item in environ) \
                and state != "Z":
            found[int(entry.name)] = cmdline
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


__all__ = ["alive", "processes_of", "rss_kb"]
