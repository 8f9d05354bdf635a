"""FilterCriteria through real mappings (aws-facts §4.7): a table of patterns, each on its own
table's stream holding the same changes (INSERTs, a MODIFY, a user REMOVE and a TTL REMOVE),
delivered to one recording handler; what each mapping delivers is exactly what its pattern
matches. Covers every operator, metadata keys, typed DynamoDB values and TTL deletes."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from controls_support import CONTROLS_HANDLER
from triggers_support import events, wait_for

ALL = {"INSERT:a", "INSERT:b", "INSERT:c", "MODIFY:b", "REMOVE:c", "INSERT:d", "TTL:d"}
INSERTS = {"INSERT:a", "INSERT:b", "INSERT:c", "INSERT:d"}


def new(attribute: str, rule: Any) -> dict[str, Any]:
    return {"dynamodb": {"NewImage": {attribute: rule}}}


# (filters, the records they let through); a filter is a pattern object or a list of them
# (several filters on one mapping are OR-ed).
CASES: list[tuple[Any, set[str]]] = [
    ({"eventName": ["INSERT"]}, INSERTS),
    ({"eventName": ["MODIFY"]}, {"MODIFY:b"}),
    ({"eventName": ["REMOVE"]}, {"REMOVE:c", "TTL:d"}),
    ({"eventName": ["INSERT", "MODIFY"]}, INSERTS | {"MODIFY:b"}),
    ({"eventName": [{"anything-but": "INSERT"}]}, {"MODIFY:b", "REMOVE:c", "TTL:d"}),
    ({"eventName": [{"equals-ignore-case": "modify"}]}, {"MODIFY:b"}),
    ({"eventName": ["modify"]}, set()),  # case-sensitive
    ({"eventSource": ["aws:dynamodb"]}, ALL),
    ({"eventVersion": ["1.1"]}, ALL),
    ({"awsRegion": ["us-east-1"]}, ALL),
    ({"awsRegion": ["eu-west-1"]}, set()),
    ({"eventSourceARN": [{"prefix": "arn:aws:dynamodb:us-east-1:"}]}, ALL),
    ({"eventSourceARN": [{"suffix": ":nope"}]}, set()),
    ({"userIdentity": {"type": ["Service"], "principalId": ["dynamodb.amazonaws.com"]}},
     {"TTL:d"}),
    ({"eventName": ["REMOVE"], "userIdentity": {"type": [{"exists": False}]}}, {"REMOVE:c"}),
    ({"userIdentity": [{"exists": True}]}, set()),  # an object is not a leaf
    (new("name", {"S": ["alice"]}), {"INSERT:a"}),
    (new("name", ["alice"]), set()),  # values need their type descriptor
    (new("name", {"S": [{"prefix": "b"}]}), {"MODIFY:b"}),
    (new("name", {"S": [{"prefix": "B"}]}), {"INSERT:b"}),
    (new("city", {"S": [{"suffix": "-1"}]}), {"INSERT:a", "INSERT:b", "MODIFY:b", "INSERT:d"}),
    (new("name", {"S": [{"equals-ignore-case": "BOB"}]}), {"INSERT:b"}),
    (new("name", {"S": [{"anything-but": ["alice", "Bob"]}]}),
     {"INSERT:c", "MODIFY:b", "INSERT:d"}),
    (new("city", {"S": [{"anything-but": {"prefix": "us-"}}]}),
     {"INSERT:b", "MODIFY:b", "INSERT:d"}),
    (new("city", {"S": [{"anything-but": {"suffix": "-1"}}]}), {"INSERT:c"}),
    (new("city", {"S": [{"wildcard": "us-*-1"}]}), {"INSERT:a"}),
    (new("n", {"N": [{"numeric": [">", 0]}]}), set()),  # N values are strings
    (new("n", {"N": [15]}), set()),
    (new("n", {"N": ["15"]}), {"INSERT:b", "MODIFY:b"}),
    ({"dynamodb": {"ApproximateCreationDateTime": [{"numeric": [">", 0]}]}}, ALL),
    ({"dynamodb": {"ApproximateCreationDateTime": [{"numeric": [">", 0, "<=", 1]}]}}, set()),
    ({"dynamodb": {"SizeBytes": [{"numeric": [">=", 1]}]}}, ALL),
    ({"dynamodb": {"SizeBytes": [{"numeric": ["=", 0]}]}}, set()),
    (new("flag", {"BOOL": [{"exists": True}]}), {"INSERT:a"}),
    (new("flag", {"BOOL": [{"exists": False}]}), ALL - {"INSERT:a"}),
    (new("flag", [{"exists": False}]), ALL),  # an attribute object is not a leaf
    (new("flag", {"BOOL": [True]}), {"INSERT:a"}),
    (new("name", {"S": [None]}), set()),  # null matches a JSON null only
    (new("empty", {"S": [""]}), {"INSERT:a"}),
    (new("tags", {"SS": ["y"]}), {"INSERT:a"}),  # any element of an array
    (new("nested", {"M": {"color": {"S": ["red"]}}}), {"INSERT:a"}),
    ({"eventName": ["INSERT"], "dynamodb": {"NewImage": {"city": {"S": [{"prefix": "us-"}]}}}},
     {"INSERT:a", "INSERT:c"}),
    ({"$or": [{"eventName": ["MODIFY"]}, {"dynamodb": {"Keys": {"sk": {"S": ["c"]}}}}]},
     {"MODIFY:b", "INSERT:c", "REMOVE:c"}),
    ([{"eventName": ["MODIFY"]}, {"dynamodb": {"Keys": {"sk": {"S": ["c"]}}}}],
     {"MODIFY:b", "INSERT:c", "REMOVE:c"}),
    ({"dynamodb": {"Keys": {"sk": {"S": ["b"]}}}}, {"INSERT:b", "MODIFY:b"}),
    ({"dynamodb": {"OldImage": {"name": {"S": ["Bob"]}}}}, {"MODIFY:b"}),
    ({"eventName": ["REMOVE"], "dynamodb": {"OldImage": {"name": {"S": ["carol"]}}}},
     {"REMOVE:c"}),
    ({"dynamodb": {"StreamViewType": ["NEW_AND_OLD_IMAGES"]}}, ALL),
]


def label(record: dict[str, Any]) -> str:
    key = record["dynamodb"]["Keys"]["sk"]["S"]
    return f"TTL:{key}" if "userIdentity" in record else f"{record['eventName']}:{key}"


def write_changes(ddb: Any, table: str, expires: int) -> None:
    def put(sk: str, **attributes: Any) -> None:
        ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "sk": {"S": sk}, **attributes})

    put("a", name={"S": "alice"}, city={"S": "us-east-1"}, n={"N": "5"}, flag={"BOOL": True},
        empty={"S": ""}, tags={"SS": ["x", "y"]}, nested={"M": {"color": {"S": "red"}}})
    put("b", name={"S": "Bob"}, city={"S": "eu-west-1"}, n={"N": "15"})
    put("c", name={"S": "carol"}, city={"S": "us-west-2"}, n={"N": "300"})
    put("b", name={"S": "bobby"}, city={"S": "eu-west-1"}, n={"N": "15"})
    ddb.delete_item(TableName=table, Key={"pk": {"S": "p"}, "sk": {"S": "c"}})
    put("d", name={"S": "dave"}, city={"S": "ap-south-1"}, expires={"N": str(expires)})


@pytest.mark.local_only
def test_filter_table(ddb: Any, clock: Any, make_function: Callable[..., str], tmp_path: Path,
                      make_table: Callable[..., str],
                      make_mapping: Callable[..., dict[str, Any]]) -> None:
    assert len(CASES) >= 40
    out = tmp_path / "events.jsonl"
    function = make_function(CONTROLS_HANDLER, env={"OUT": str(out)})
    expires = int(clock.now()) + 5
    tables: list[tuple[str, str]] = []
    for _ in CASES:  # one partition key per table: all its changes in one shard, in order
        table = make_table(range_key="sk", StreamSpecification={
            "StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={
            "Enabled": True, "AttributeName": "expires"})
        write_changes(ddb, table, expires)
        tables.append((table, ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]))
    clock.advance(10)
    wait_for(lambda: all("Item" not in ddb.get_item(
        TableName=t, Key={"pk": {"S": "p"}, "sk": {"S": "d"}}) for t, _ in tables), timeout=20)
    for (_, stream_arn), (filters, _) in zip(tables, CASES, strict=True):
        patterns = filters if isinstance(filters, list) else [filters]
        make_mapping(FunctionName=function, EventSourceArn=stream_arn, FilterCriteria={
            "Filters": [{"Pattern": json.dumps(p)} for p in patterns]})
    expected = sum(len(e) for _, e in CASES)

    def delivered() -> dict[str, list[str]]:
        got: dict[str, list[str]] = {}
        for event in events(out):
            for record in event["Records"]:
                got.setdefault(record["eventSourceARN"], []).append(label(record))
        return got

    wait_for(lambda: sum(map(len, delivered().values())) >= expected, timeout=30)
    time.sleep(0.2)  # anything delivered wrongly would arrive with the rest
    got = delivered()
    mismatches = [(filters, sorted(want), sorted(got.get(arn, [])))
                  for (_, arn), (filters, want) in zip(tables, CASES, strict=True)
                  if sorted(got.get(arn, [])) != sorted(want)]
    assert mismatches == []
