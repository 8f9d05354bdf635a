"""Which attributes a Query or Scan of a secondary index can return.

A GSI answers only with what it projects: asking for another attribute is a ValidationException
(recorded AWS wording, localstack issue #478: "One or more parameter values were invalid: Global
secondary index my_index does not project [table_column]"). An LSI fetches what it does not
project from the table, as the Query API reference says of Select=ALL_ATTRIBUTES ("DynamoDB
fetches each item from the parent table") and of projections naming unprojected attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from headwater.dynamodb import item_store, items, pagination
from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.expression_params import RequestExpressions
from headwater.dynamodb.key_space import KeySpace

INVALID = "One or more parameter values were invalid: "


def _unprojected(space: KeySpace, names: list[str]) -> list[str]:
    index = space.index
    assert index is not None
    return [name for name in names if not index.projects(name, space.table.key_names)]


def check_requested(space: KeySpace, expressions: RequestExpressions) -> None:
    """Refuse a GSI read that asks for attributes the index does not project."""
    index = space.index
    if index is None or not index.is_global or expressions.projection is None:
        return
    missing = _unprojected(space, expressions.projection.top_level_names)
    if missing:
        raise ValidationException(f"{INVALID}Global secondary index {index.name} does not project "
                                  f"[{', '.join(missing)}]")


Fetch = Callable[[dict[str, Any]], dict[str, Any]]


def table_fetch(space: KeySpace, conn: Any, request: dict[str, Any],
                expressions: RequestExpressions) -> Fetch | None:
    """For an LSI read that wants attributes the index does not project, the function that
    replaces each index entry by the table's item; None when the entries suffice."""
    if not _reads_table(space, request, expressions):
        return None
    return lambda entry: table_item(space, conn, entry)


def _reads_table(space: KeySpace, request: dict[str, Any],
                 expressions: RequestExpressions) -> bool:
    index = space.index
    if index is None or index.is_global or index.projection_type == "ALL":
        return False
    if request.get("Select") == "ALL_ATTRIBUTES":
        return True
    wanted: list[str] = []
    if expressions.projection is not None:
        wanted.extend(expressions.projection.top_level_names)
    if expressions.filter is not None:
        wanted.extend(pagination.referenced_names(expressions.filter.node))
    return bool(_unprojected(space, wanted))


def table_item(space: KeySpace, conn: Any, entry: dict[str, Any]) -> dict[str, Any]:
    """The table's item behind an index entry (which always holds the table key)."""
    table = space.table
    hk, rk = items.encode_key(table, entry)
    return item_store.get(conn, table.id, hk, rk) or entry
