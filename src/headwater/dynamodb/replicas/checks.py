"""The checks UpdateTable ReplicaUpdates gets before any state is looked at (ack-api-quirks
DDB-TABLE-203, -223 and -265, recorded against AWS 2026-10-09): ReplicaUpdates alone in the
call, one action kind per element, an action in every Update, at most one Create or Delete per
call (in EVENTUAL mode), and never the table's own region."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.errors import ValidationException

LOCAL_REGION = ("Cannot add or delete the local region through ReplicaUpdates. Use CreateTable, "
                "DeleteTable, or UpdateTable as required.")
NO_ACTIONS = "There are no actions specified in the Replica Update Action of the request."
MIXED = "Update table operation with more than one type of replica actions not allowed."
MANY = "Update table operation with more than one create or delete replica actions not allowed"
ONLY = ("One or more parameter values were invalid: ReplicaUpdates must be the only operation "
        "in the request")
STRONG = ("Headwater does not support MultiRegionConsistency STRONG (multi-Region strong "
          "consistency); use EVENTUAL, the default")
KINDS = ("Create", "Update", "Delete")
UPDATE_FIELDS = ("KMSMasterKeyId", "ProvisionedThroughputOverride", "OnDemandThroughputOverride",
                 "GlobalSecondaryIndexes", "TableClassOverride")


def check_consistency(request: dict[str, Any]) -> None:
    """MultiRegionConsistency STRONG is refused, not faked (issue 14, item 4)."""
    if request.get("MultiRegionConsistency") == "STRONG":
        raise ValidationException(STRONG)


def check_replica_updates(request: dict[str, Any], others: tuple[str, ...], region: str
                          ) -> list[tuple[str, dict[str, Any]]]:
    """The (kind, spec) actions of a well-formed ReplicaUpdates, duplicates folded."""
    if any(member in request and member != "ReplicaUpdates" for member in others):
        raise ValidationException(ONLY)
    actions: list[tuple[str, dict[str, Any]]] = []
    for element in request["ReplicaUpdates"]:
        kinds = [kind for kind in KINDS if element.get(kind) is not None]
        if not kinds:
            raise ValidationException(NO_ACTIONS)
        if len(kinds) > 1:
            raise ValidationException(MIXED)
        kind, spec = kinds[0], element[kinds[0]]
        if kind == "Update" and not any(spec.get(field) is not None for field in UPDATE_FIELDS):
            raise ValidationException(NO_ACTIONS)
        if kind != "Update" and spec["RegionName"] == region:
            raise ValidationException(LOCAL_REGION)
        if (kind, spec) not in actions:  # AWS folds two identical Creates into one
            actions.append((kind, spec))
    if len([kind for kind, _ in actions if kind != "Update"]) > 1:
        raise ValidationException(MANY)
    return actions
