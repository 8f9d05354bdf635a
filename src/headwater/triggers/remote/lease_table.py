"""The lease table on the remote engine (`--lease-table`): one item per (function, stream,
shard) and one heartbeat item per worker, read with a consistent Scan and changed with
conditional writes only (no other coordination service), in the Kinesis Client Library's
model.

A lease item: leaseKey (`function|stream ARN|shard id`), function, streamArn, shardId,
parentShardId, leaseOwner (absent: free), leaseCounter (bumped by every renewal: a counter that
stops moving for the lease duration means its owner is gone), checkpoint (TRIM_HORIZON,
LATEST, a sequence number, or SHARD_END), checkpointAt (the checkpointed record's creation
time), openWindow (the open tumbling window), handoffTo (a worker that asked for the lease: the
owner finishes its batch, checkpoints and hands it over), expiresAt (the owner's wall clock
plus the lease duration, for people; expiry is decided by watching the counter, so clocks need
not agree). A worker item: leaseKey `worker|<id>`, leaseCounter bumped every round, groups (the
`function|stream ARN` pairs it reads, a JSON list).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import orjson
from botocore.exceptions import ClientError

from headwater.triggers.remote.client import RemoteClients, error_code

WORKER_PREFIX = "worker|"
CONDITION_FAILED = "ConditionalCheckFailedException"


class LeaseLost(Exception):
    """A conditional write found the lease owned by another worker or moved on."""


@dataclass(frozen=True, slots=True)
class LeaseRow:
    key: str
    function: str
    stream_arn: str
    shard_id: str
    parent_shard_id: str | None
    owner: str | None
    counter: int
    checkpoint: str
    checkpoint_at: float | None
    window: bytes | None
    handoff_to: str | None
    expires_at: float | None

    @property
    def group(self) -> tuple[str, str]:
        return self.function, self.stream_arn

    @property
    def finished(self) -> bool:
        return self.checkpoint == "SHARD_END"


def lease_key(function: str, stream_arn: str, shard_id: str) -> str:
    return f"{function}|{stream_arn}|{shard_id}"


def _s(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name)
    return None if value is None else str(value["S"])


def _n(item: dict[str, Any], name: str) -> float | None:
    value = item.get(name)
    return None if value is None else float(value["N"])


def _row(item: dict[str, Any]) -> LeaseRow:
    window = item.get("openWindow")
    return LeaseRow(
        key=str(item["leaseKey"]["S"]), function=_s(item, "function") or "",
        stream_arn=_s(item, "streamArn") or "", shard_id=_s(item, "shardId") or "",
        parent_shard_id=_s(item, "parentShardId"), owner=_s(item, "leaseOwner"),
        counter=int(_n(item, "leaseCounter") or 0), checkpoint=_s(item, "checkpoint") or "",
        checkpoint_at=_n(item, "checkpointAt"),
        window=None if window is None else bytes(window["B"]),
        handoff_to=_s(item, "handoffTo"), expires_at=_n(item, "expiresAt"))


def _number(value: float) -> dict[str, str]:
    return {"N": repr(round(value, 3)) if isinstance(value, float) else str(value)}


class LeaseTable:
    def __init__(self, clients: RemoteClients, name: str, duration: float) -> None:
        self.clients = clients
        self.name = name
        self.duration = duration

    async def ensure(self) -> None:
        """Create the table (on-demand, key leaseKey) if it is missing; wait until ACTIVE."""
        try:
            answer = await self.clients.table_call("describe_table", TableName=self.name)
        except ClientError as error:
            if error_code(error) != "ResourceNotFoundException":
                raise
            try:
                await self.clients.table_call(
                    "create_table", TableName=self.name, BillingMode="PAY_PER_REQUEST",
                    AttributeDefinitions=[{"AttributeName": "leaseKey", "AttributeType": "S"}],
                    KeySchema=[{"AttributeName": "leaseKey", "KeyType": "HASH"}])
            except ClientError as again:
                if error_code(again) != "ResourceInUseException":  # another worker won
                    raise
            answer = await self.clients.table_call("describe_table", TableName=self.name)
        while answer["Table"].get("TableStatus") != "ACTIVE":
            await asyncio.sleep(0.5)
            answer = await self.clients.table_call("describe_table", TableName=self.name)

    async def scan(self) -> tuple[list[LeaseRow], dict[str, tuple[int, frozenset[str]]]]:
        """Every lease, and every worker's heartbeat counter and the groups it reads."""
        leases: list[LeaseRow] = []
        workers: dict[str, tuple[int, frozenset[str]]] = {}
        request: dict[str, Any] = {"TableName": self.name, "ConsistentRead": True}
        while True:
            answer = await self.clients.table_call("scan", **request)
            for item in answer.get("Items", []):
                key = str(item["leaseKey"]["S"])
                if key.startswith(WORKER_PREFIX):
                    groups = frozenset(orjson.loads(item.get("groups", {}).get("S", "[]")))
                    workers[key[len(WORKER_PREFIX):]] = (int(float(item["leaseCounter"]["N"])),
                                                         groups)
                else:
                    leases.append(_row(item))
            if not answer.get("LastEvaluatedKey"):
                return leases, workers
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    async def heartbeat(self, worker: str, groups: list[str]) -> None:
        """Bump the worker's counter, and say which groups (`function|stream ARN`) it reads:
        a worker counts towards the fair share of those only."""
        await self.clients.table_call(
            "update_item", TableName=self.name, Key={"leaseKey": {"S": WORKER_PREFIX + worker}},
            UpdateExpression="ADD leaseCounter :one SET expiresAt = :exp, #g = :groups",
            ExpressionAttributeNames={"#g": "groups"},
            ExpressionAttributeValues={":one": {"N": "1"},
                                       ":exp": _number(time.time() + self.duration),
                                       ":groups": {"S": orjson.dumps(sorted(groups)).decode()}})

    async def forget_worker(self, worker: str, counter: int) -> None:
        """Delete a dead worker's heartbeat (only if it still has not moved)."""
        await self._conditional(
            "delete_item", Key={"leaseKey": {"S": WORKER_PREFIX + worker}},
            ConditionExpression="leaseCounter = :seen",
            ExpressionAttributeValues={":seen": {"N": str(counter)}})

    async def forget_finished(self, key: str) -> None:
        """Delete a finished lease whose shard the stream no longer lists (trimmed)."""
        await self._conditional(
            "delete_item", Key={"leaseKey": {"S": key}},
            ConditionExpression="checkpoint = :end",
            ExpressionAttributeValues={":end": {"S": "SHARD_END"}})

    async def retire(self, worker: str) -> None:
        await self.clients.table_call(
            "delete_item", TableName=self.name, Key={"leaseKey": {"S": WORKER_PREFIX + worker}})

    async def create(self, function: str, stream_arn: str, shard_id: str,
                     parent: str | None, checkpoint: str) -> None:
        item: dict[str, Any] = {
            "leaseKey": {"S": lease_key(function, stream_arn, shard_id)},
            "function": {"S": function}, "streamArn": {"S": stream_arn},
            "shardId": {"S": shard_id}, "leaseCounter": {"N": "0"},
            "checkpoint": {"S": checkpoint}}
        if parent is not None:
            item["parentShardId"] = {"S": parent}
        await self._conditional("put_item", Item=item,
                                ConditionExpression="attribute_not_exists(leaseKey)")

    async def take(self, row: LeaseRow, worker: str) -> int:
        """Own a free or expired lease: only if its counter is still the one seen."""
        answer = await self._conditional(
            "update_item", Key={"leaseKey": {"S": row.key}},
            UpdateExpression="SET leaseOwner = :me, leaseCounter = leaseCounter + :one, "
                             "expiresAt = :exp REMOVE handoffTo",
            ConditionExpression="leaseCounter = :seen",
            ExpressionAttributeValues={":me": {"S": worker}, ":one": {"N": "1"},
                                       ":seen": {"N": str(row.counter)},
                                       ":exp": _number(time.time() + self.duration)},
            ReturnValues="ALL_NEW")
        return int(float(answer["Attributes"]["leaseCounter"]["N"]))

    async def renew(self, key: str, worker: str, counter: int,
                    checkpoint: tuple[str, float | None, bytes | None] | None
                    ) -> tuple[int, str | None]:
        """Bump the counter (and write a staged checkpoint with it); the new counter and who
        asked for the lease, if anyone."""
        update = "SET leaseCounter = leaseCounter + :one, expiresAt = :exp"
        values: dict[str, Any] = {":me": {"S": worker}, ":mine": {"N": str(counter)},
                                  ":one": {"N": "1"},
                                  ":exp": _number(time.time() + self.duration)}
        update = self._checkpoint_update(update, values, checkpoint)
        answer = await self._conditional(
            "update_item", Key={"leaseKey": {"S": key}}, UpdateExpression=update,
            ConditionExpression="leaseOwner = :me AND leaseCounter = :mine",
            ExpressionAttributeValues=values, ReturnValues="ALL_NEW")
        row = _row(answer["Attributes"])
        return row.counter, row.handoff_to

    async def checkpoint(self, key: str, worker: str, counter: int,
                         checkpoint: tuple[str, float | None, bytes | None]) -> None:
        values: dict[str, Any] = {":me": {"S": worker}, ":mine": {"N": str(counter)}}
        update = self._checkpoint_update("", values, checkpoint)
        await self._conditional(
            "update_item", Key={"leaseKey": {"S": key}}, UpdateExpression=update,
            ConditionExpression="leaseOwner = :me AND leaseCounter = :mine",
            ExpressionAttributeValues=values)

    @staticmethod
    def _checkpoint_update(update: str, values: dict[str, Any],
                           checkpoint: tuple[str, float | None, bytes | None] | None) -> str:
        if checkpoint is None:
            return update
        sequence, at, window = checkpoint
        sets = ["checkpoint = :cp"]
        values[":cp"] = {"S": sequence}
        if at is not None:
            sets.append("checkpointAt = :at")
            values[":at"] = _number(at)
        if window is not None:
            sets.append("openWindow = :win")
            values[":win"] = {"B": window}
        text = (f"{update}, " if update else "SET ") + ", ".join(sets)
        return text if window is not None else f"{text} REMOVE openWindow"

    async def ask_handoff(self, row: LeaseRow, worker: str) -> None:
        """Ask the owner of a live lease to hand it over (stealing, without overlap)."""
        await self._conditional(
            "update_item", Key={"leaseKey": {"S": row.key}},
            UpdateExpression="SET handoffTo = :me",
            ConditionExpression="leaseOwner = :owner AND leaseCounter = :seen AND "
                                "attribute_not_exists(handoffTo)",
            ExpressionAttributeValues={":me": {"S": worker}, ":owner": {"S": row.owner or ""},
                                       ":seen": {"N": str(row.counter)}})

    async def hand_over(self, key: str, worker: str, counter: int, to: str | None) -> None:
        """Give the lease to `to` (None: free it), bumping the counter."""
        values: dict[str, Any] = {":me": {"S": worker}, ":mine": {"N": str(counter)},
                                  ":one": {"N": "1"}}
        if to is None:
            update = "SET leaseCounter = leaseCounter + :one REMOVE leaseOwner, handoffTo"
        else:
            update = "SET leaseOwner = :to, leaseCounter = leaseCounter + :one REMOVE handoffTo"
            values[":to"] = {"S": to}
        await self._conditional(
            "update_item", Key={"leaseKey": {"S": key}}, UpdateExpression=update,
            ConditionExpression="leaseOwner = :me AND leaseCounter = :mine",
            ExpressionAttributeValues=values)

    async def _conditional(self, operation: str, **request: Any) -> dict[str, Any]:
        try:
            return await self.clients.table_call(operation, TableName=self.name, **request)
        except ClientError as error:
            if error_code(error) == CONDITION_FAILED:
                raise LeaseLost(request.get("Key") or request.get("Item")) from None
            raise
