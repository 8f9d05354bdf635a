"""Stack outputs exported by name (Outputs.*.Export.Name), unique in an account and region, and
which stacks import each (Fn::ImportValue): ListExports, ListImports and the checks that keep an
imported export from being deleted or changed."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from headwater.cloudformation import store


@dataclass(frozen=True, slots=True)
class Export:
    name: str
    value: str
    stack_id: str
    stack_name: str


def exports(conn: sqlite3.Connection, account: str, region: str) -> dict[str, Export]:
    out = {}
    for stack in store.stacks(conn, account, region, with_deleted=False):
        for output in stack.outputs:
            if output.get("ExportName"):
                out[output["ExportName"]] = Export(output["ExportName"], output["OutputValue"],
                                                   stack.stack_id, stack.name)
    return out


def importers(conn: sqlite3.Connection, account: str, region: str, name: str) -> list[str]:
    """The names of the live stacks that import export `name`."""
    return [stack.name for stack in store.stacks(conn, account, region, with_deleted=False)
            if name in stack.imports]
