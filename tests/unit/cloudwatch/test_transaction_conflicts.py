"""TransactionConflict for cancelled transactions (developer guide "DynamoDB metrics and
dimensions": rejected item-level requests due to transactional conflicts). Headwater's
transactions never conflict (one writer), so the rule is checked in-process with the
cancellation AWS would send."""

from __future__ import annotations

from dataclasses import dataclass

from headwater.cloudwatch.dynamodb_metrics import recording
from headwater.cloudwatch.store import MetricStore
from headwater.core.clock import Clock
from headwater.core.context import RequestContext
from headwater.dynamodb.errors import TransactionCanceledException


@dataclass
class _Runtime:
    cloudwatch: MetricStore


def test_each_conflicting_item_counts_against_its_table() -> None:
    store = MetricStore(Clock())
    reasons = [{"Code": "TransactionConflict"}, {"Code": "None"},
               {"Code": "TransactionConflict"}, {"Code": "ConditionalCheckFailed"}]

    def transact(ctx: object, request: object) -> None:
        raise TransactionCanceledException("cancelled", CancellationReasons=reasons)

    request = {"TransactItems": [
        {"Put": {"TableName": "a", "Item": {}}}, {"Delete": {"TableName": "a", "Key": {}}},
        {"Update": {"TableName": "b", "Key": {}}},
        {"ConditionCheck": {"TableName": "a", "Key": {}}}]}
    ctx = RequestContext("000000000000", "us-east-1", "r", _Runtime(store))
    wrapped = recording({"TransactWriteItems": transact})["TransactWriteItems"]
    try:
        wrapped(ctx, request)
    except TransactionCanceledException:
        pass
    found = {s.dimensions: sum(s.counts) for s in store.find("000000000000", "us-east-1",
                                                             "AWS/DynamoDB",
                                                             "TransactionConflict")}
    assert found == {(("TableName", "a"),): 1, (("TableName", "b"),): 1}
