"""Which `node` runs a nodejsNN.x function: the machine's `node` (PATH, or HEADWATER_NODE) when
its major version is the runtime's, or the nearest newer one (said in RuntimeVersionArn, as for
the Python runtimes). An older node, or none, cannot run the runtime: CreateFunction says so."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

NODE_RUNTIMES = ("nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x", "nodejs26.x")
DEPRECATED_NODE = ("nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10",
                   "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x")
VERSION = re.compile(r"v(\d+)\.(\d+)\.(\d+)")


@dataclass(frozen=True, slots=True)
class Node:
    path: str
    version: str  # "20.20.2"

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    def describe(self, runtime: str) -> str:
        wanted = runtime_major(runtime)
        if self.major == wanted:
            return f"{runtime} runs on node {self.version} at {self.path}"
        return f"no node {wanted} on PATH; {runtime} runs on node {self.version} at {self.path}"


def runtime_major(runtime: str) -> int:
    return int(runtime.removeprefix("nodejs").removesuffix(".x"))


@functools.cache
def machine_node() -> Node | None:
    """The node this server would start, probed once."""
    found = os.environ.get("HEADWATER_NODE") or shutil.which("node")
    if not found:
        return None
    try:
        done = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=10,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = VERSION.fullmatch(done.stdout.strip())
    if done.returncode != 0 or match is None:
        return None
    return Node(os.path.realpath(found), ".".join(match.groups()))


def node_for(runtime: str) -> Node | None:
    """The node for `runtime`, or None when the machine has none of that major version or newer."""
    node = machine_node()
    if node is None or node.major < runtime_major(runtime):
        return None
    return node


def missing(runtime: str) -> str:
    """Why `runtime` cannot run here, for CreateFunction's error."""
    node = machine_node()
    wanted = runtime_major(runtime)
    if node is None:
        return (f"The runtime {runtime} needs Node.js {wanted} or newer on this machine, and "
                "Headwater found no `node` on PATH (or in HEADWATER_NODE). Install Node.js "
                f"{wanted} to run {runtime} functions.")
    return (f"The runtime {runtime} needs Node.js {wanted} or newer on this machine; the `node` "
            f"Headwater found ({node.path}) is version {node.version}. Install Node.js {wanted} "
            f"to run {runtime} functions.")
