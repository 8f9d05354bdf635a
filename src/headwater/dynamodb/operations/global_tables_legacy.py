"""The global tables version 2017.11.29 (Legacy) operations, as AWS answers them for new
global tables (aws-facts §6): CreateGlobalTable is refused, the others find no global table
(a 2019.11.21 global table's name included), ListGlobalTables lists none. Use UpdateTable
ReplicaUpdates (dynamodb/replicas/)."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.errors import GlobalTableNotFoundException, ValidationException

NOT_SUPPORTED = (
    "DynamoDB global tables version 2017.11.29 is not supported. We recommend using DynamoDB "
    "global tables version 2019.11.21, instead of version 2017.11.29 (Legacy).")


def _not_found(name: str) -> GlobalTableNotFoundException:
    return GlobalTableNotFoundException(f"Global table with name '{name}' does not exist.")


def create_global_table(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    raise ValidationException(NOT_SUPPORTED)


def update_global_table(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    raise _not_found(request["GlobalTableName"])


def describe_global_table(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    raise _not_found(request["GlobalTableName"])


def describe_global_table_settings(ctx: RequestContext, request: dict[str, Any]
                                   ) -> dict[str, Any]:
    raise _not_found(request["GlobalTableName"])


def update_global_table_settings(ctx: RequestContext, request: dict[str, Any]
                                 ) -> dict[str, Any]:
    raise _not_found(request["GlobalTableName"])


def list_global_tables(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    return {"GlobalTables": []}
