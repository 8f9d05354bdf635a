"""A global table's replica group as each member records it: `Replicas` (the other regions,
as AWS's DescribeTable lists them: aws-facts §6) and `GlobalTableVersion`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from headwater.dynamodb.errors import ValidationException

if TYPE_CHECKING:
    from headwater.dynamodb.context import DynamoDbServices
    from headwater.dynamodb.table import Table

VERSION = "2019.11.21"
ALREADY = ("Failed to create a the new replica of table with name: \u2018{}\u2019 because one or "
           "more replicas already existed as tables.")
NOT_PART = ("Update global table operation failed because one or more replicas were not part of "
            "the global table. Please retry the request without these replicas: [{}].")


def peers(runtime: DynamoDbServices, table: Table) -> list[Table]:
    """The other replicas' tables (those that exist)."""
    found = (runtime.tables.find(table.account, region, table.name)
             for region in table.replica_regions)
    return [peer for peer in found if peer is not None]


def entry(table: Table, region: str) -> dict[str, Any]:
    """The table's Replicas entry for `region`; ValidationException when it has none."""
    for replica in table.description.get("Replicas", []):
        if replica["RegionName"] == region:
            return dict(replica)
    raise ValidationException(NOT_PART.format(region))


def join(member: Table, replica: dict[str, Any]) -> None:
    """Record a replica in a member's description."""
    member.description["Replicas"] = [*member.description.get("Replicas", []), replica]
    member.description["GlobalTableVersion"] = VERSION


def leave(member: Table, region: str) -> None:
    """Forget the replica in `region`; a table left alone is regional again."""
    replicas = [r for r in member.description.get("Replicas", []) if r["RegionName"] != region]
    if replicas:
        member.description["Replicas"] = replicas
    else:
        member.description.pop("Replicas", None)
        member.description.pop("GlobalTableVersion", None)


def replace(member: Table, replica: dict[str, Any]) -> None:
    member.description["Replicas"] = [
        replica if r["RegionName"] == replica["RegionName"] else r
        for r in member.description.get("Replicas", [])]
