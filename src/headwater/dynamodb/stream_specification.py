"""StreamSpecification on CreateTable and UpdateTable (aws-facts §2.1): validation, enabling
(a new stream each time) and disabling (the stream stays listed and readable for 24 h)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from headwater.dynamodb.errors import ValidationException

if TYPE_CHECKING:
    from headwater.dynamodb.context import DynamoDbServices
    from headwater.dynamodb.table import Table

INVALID = "One or more parameter values were invalid: "
SHARDS_TAG = "headwater:stream-shards"
MAX_SHARDS = 64


def check_stream_specification(spec: dict[str, Any], table: Table | None, name: str) -> None:
    enabled = spec["StreamEnabled"]
    view_type = spec.get("StreamViewType")
    if enabled and view_type is None:
        raise ValidationException(
            f"{INVALID}If stream is being enabled then UpdateViewType is required"
        )
    if not enabled and view_type is not None:
        raise ValidationException(
            f"{INVALID}If stream is being disabled, then UpdateViewType must not be specified"
        )
    if table is None:
        return
    if enabled and table.stream_view_type is not None:
        raise ValidationException(f"Table already has an enabled stream: TableName: {name}")
    if not enabled and table.stream_view_type is None:
        raise ValidationException(f"Table has no stream to disable: TableName: {name}")


def enable_stream(runtime: DynamoDbServices, table: Table, view_type: str) -> None:
    """CreateTable's enable: mint the new table's stream inside the caller's transaction.

    The catalog caches tables in memory, so if this transaction rolls back (an invalid
    `headwater:stream-shards` tag, say) the just-added table is forgotten as well.
    """
    runtime.storage.on_rollback(lambda: runtime.tables.remove(table))
    _enable(runtime, table, view_type)


def _enable(runtime: DynamoDbServices, table: Table, view_type: str) -> None:
    stream = runtime.streams.create_stream(
        table.account, table.region, table.name, view_type, table.description["KeySchema"],
        shard_count(runtime, table),
    )
    table.description["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view_type}
    table.description["LatestStreamLabel"] = stream.label
    table.description["LatestStreamArn"] = stream.arn
    runtime.tables.save(table)


def disable_stream(runtime: DynamoDbServices, table: Table) -> None:
    stream = runtime.streams.current_stream(table.account, table.region, table.name)
    if stream is not None:
        runtime.streams.disable(stream)
    # After a disable AWS omits StreamSpecification but keeps LatestStreamArn/Label.
    table.description.pop("StreamSpecification", None)
    runtime.tables.save(table)


def update_stream(runtime: DynamoDbServices, table: Table, spec: dict[str, Any]) -> None:
    check_stream_specification(spec, table, table.name)
    if spec["StreamEnabled"]:
        _enable(runtime, table, spec["StreamViewType"])
    else:
        disable_stream(runtime, table)


def shard_count(runtime: DynamoDbServices, table: Table) -> int:
    """Open shards for the table's stream: its `headwater:stream-shards` tag or the default."""
    check_shard_tag(table.tags)
    tagged = table.tags.get(SHARDS_TAG)
    return runtime.settings.stream_shards if tagged is None else int(tagged)


def check_shard_tag(tags: dict[str, str]) -> None:
    tagged = tags.get(SHARDS_TAG)
    if tagged is None:
        return
    if not (tagged.isascii() and tagged.isdigit() and 1 <= int(tagged) <= MAX_SHARDS):
        raise ValidationException(
            f"{INVALID}Tag {SHARDS_TAG} must be a whole number of shards from 1 to {MAX_SHARDS}, "
            f"got '{tagged}'"
        )
