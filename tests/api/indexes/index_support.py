"""Helpers shared by the secondary index tests."""

from __future__ import annotations

from typing import Any

STREAM = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}


def put(ddb: Any, table: str, pk: str, sk: int, **attributes: Any) -> None:
    item = {"pk": {"S": pk}, "sk": {"N": str(sk)}}
    for key, value in attributes.items():
        item[key] = {"N": str(value)} if isinstance(value, int) else {"S": value}
    ddb.put_item(TableName=table, Item=item)
