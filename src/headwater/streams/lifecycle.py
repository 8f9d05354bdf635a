"""StreamSpecification on CreateTable and UpdateTable (aws-facts §2.1): validation, enabling
(a new stream each time) and disabling (the stream stays listed and readable for 24 h)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from headwater.dynamodb.errors import ValidationException

if TYPE_CHECKING:
    from headwater.dynamodb.table import Table
    from headwater.runtime import Runtime

INVALID = "One or more parameter values were invalid: "
SHARDS_TAG = "headwater:stream-shards"


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


def enable_stream(runtime: Runtime, table: Table, view_type: str) -> None:
    """Mint a new stream for the table inside the caller's transaction."""
    stream = runtime.streams.create_stream(
        table.account, table.region, table.name, view_type, table.description["KeySchema"],
        shard_count(runtime, table),
    )
    table.description["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view_type}
    table.description["LatestStreamLabel"] = stream.label
    table.description["LatestStreamArn"] = stream.arn
    runtime.tables.save(table)


def disable_stream(runtime: Runtime, table: Table) -> None:
    stream = runtime.streams.current_stream(table.account, table.region, table.name)
    if stream is not None:
        runtime.streams.disable(stream)
    # After a disable AWS omits StreamSpecification but keeps LatestStreamArn/Label.
    table.description.pop("StreamSpecification", None)
    runtime.tables.save(table)


def update_stream(runtime: Runtime, table: Table, spec: dict[str, Any]) -> None:
    check_stream_specification(spec, table, table.name)
    if spec["StreamEnabled"]:
        enable_stream(runtime, table, spec["StreamViewType"])
    else:
        disable_stream(runtime, table)


def shard_count(runtime: Runtime, table: Table) -> int:
    tagged = table.tags.get(SHARDS_TAG)
    if tagged is not None and tagged.isdigit() and 1 <= int(tagged) <= 64:
        return int(tagged)
    return runtime.settings.stream_shards
