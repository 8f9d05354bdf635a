"""Query and Scan on secondary indexes: projections, sparse entries, ordering, pagination."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from index_support import put


def query_status(ddb: Any, table: str, status: str, **kwargs: Any) -> dict[str, Any]:
    return ddb.query(TableName=table, IndexName="by_status",
                     KeyConditionExpression="#s = :s", ExpressionAttributeNames={"#s": "status"},
                     ExpressionAttributeValues={":s": {"S": status}}, **kwargs)


def test_gsi_query_returns_keys_only_projection(ddb: Any, indexed_table: str) -> None:
    put(ddb, indexed_table, "a", 1, status="open", note="hidden")
    items = query_status(ddb, indexed_table, "open")["Items"]
    assert items == [{"pk": {"S": "a"}, "sk": {"N": "1"}, "status": {"S": "open"}}]


def test_gsi_is_sparse(ddb: Any, indexed_table: str) -> None:
    put(ddb, indexed_table, "a", 1, status="open")
    put(ddb, indexed_table, "a", 2)
    result = ddb.scan(TableName=indexed_table, IndexName="by_status")
    assert [i["sk"]["N"] for i in result["Items"]] == ["1"]


def test_gsi_follows_updates_and_deletes(ddb: Any, indexed_table: str) -> None:
    put(ddb, indexed_table, "a", 1, status="open")
    ddb.update_item(TableName=indexed_table, Key={"pk": {"S": "a"}, "sk": {"N": "1"}},
                    UpdateExpression="SET #s = :c", ExpressionAttributeNames={"#s": "status"},
                    ExpressionAttributeValues={":c": {"S": "closed"}})
    assert query_status(ddb, indexed_table, "open")["Items"] == []
    assert len(query_status(ddb, indexed_table, "closed")["Items"]) == 1
    ddb.delete_item(TableName=indexed_table, Key={"pk": {"S": "a"}, "sk": {"N": "1"}})
    assert query_status(ddb, indexed_table, "closed")["Items"] == []


def test_gsi_query_orders_by_index_sort_key(ddb: Any, indexed_table: str) -> None:
    for pk, sk in (("b", 3), ("a", 1), ("c", 2)):
        put(ddb, indexed_table, pk, sk, status="open")
    forward = query_status(ddb, indexed_table, "open")["Items"]
    backward = query_status(ddb, indexed_table, "open", ScanIndexForward=False)["Items"]
    assert [i["sk"]["N"] for i in forward] == ["1", "2", "3"]
    assert [i["sk"]["N"] for i in backward] == ["3", "2", "1"]


def test_gsi_range_condition(ddb: Any, indexed_table: str) -> None:
    for sk in range(10):
        put(ddb, indexed_table, f"p{sk}", sk, status="open")
    result = ddb.query(TableName=indexed_table, IndexName="by_status",
                       KeyConditionExpression="#s = :s AND sk BETWEEN :lo AND :hi",
                       ExpressionAttributeNames={"#s": "status"},
                       ExpressionAttributeValues={":s": {"S": "open"}, ":lo": {"N": "3"},
                                                  ":hi": {"N": "5"}})
    assert [i["sk"]["N"] for i in result["Items"]] == ["3", "4", "5"]


def test_gsi_pagination_with_duplicate_index_keys(ddb: Any, indexed_table: str) -> None:
    # Several items share the index key (owner); pages must neither skip nor repeat them.
    for sk in range(7):
        put(ddb, indexed_table, f"p{sk % 3}", sk, owner="ann", note=f"n{sk}")
    seen: list[tuple[str, str]] = []
    kwargs: dict[str, Any] = {}
    while True:
        page = ddb.query(TableName=indexed_table, IndexName="by_owner", Limit=2,
                         KeyConditionExpression="#o = :o", ExpressionAttributeNames={"#o": "owner"},
                         ExpressionAttributeValues={":o": {"S": "ann"}}, **kwargs)
        seen.extend((i["pk"]["S"], i["sk"]["N"]) for i in page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        assert set(page["LastEvaluatedKey"]) == {"owner", "pk", "sk"}
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    assert len(seen) == 7 and len(set(seen)) == 7


def test_include_projection_keeps_listed_attributes(ddb: Any, indexed_table: str) -> None:
    put(ddb, indexed_table, "a", 1, owner="ann", note="kept", other="dropped")
    items = ddb.query(TableName=indexed_table, IndexName="by_owner",
                      KeyConditionExpression="#o = :o", ExpressionAttributeNames={"#o": "owner"},
                      ExpressionAttributeValues={":o": {"S": "ann"}})["Items"]
    assert items == [{"pk": {"S": "a"}, "sk": {"N": "1"}, "owner": {"S": "ann"},
                      "note": {"S": "kept"}}]


def test_lsi_query_orders_by_lsi_sort_key(ddb: Any, indexed_table: str) -> None:
    for sk, rank in ((1, 30), (2, 10), (3, 20)):
        put(ddb, indexed_table, "a", sk, rank=rank)
    result = ddb.query(TableName=indexed_table, IndexName="by_rank",
                       KeyConditionExpression="pk = :p AND #r > :r",
                       ExpressionAttributeNames={"#r": "rank"},
                       ExpressionAttributeValues={":p": {"S": "a"}, ":r": {"N": "10"}})
    assert [i["sk"]["N"] for i in result["Items"]] == ["3", "1"]
    assert result["Items"][0]["rank"] == {"N": "20"}


def test_scan_index_parallel_segments_cover_every_entry(ddb: Any, indexed_table: str) -> None:
    for sk in range(20):
        put(ddb, indexed_table, f"p{sk}", sk, status=f"s{sk % 5}")
    found = []
    for segment in range(3):
        result = ddb.scan(TableName=indexed_table, IndexName="by_status", Segment=segment,
                          TotalSegments=3)
        found.extend(i["sk"]["N"] for i in result["Items"])
    assert sorted(found, key=int) == [str(n) for n in range(20)]


def test_consistent_read_on_gsi_is_rejected(ddb: Any, indexed_table: str) -> None:
    with pytest.raises(ClientError) as raised:
        query_status(ddb, indexed_table, "open", ConsistentRead=True)
    assert raised.value.response["Error"]["Message"] == (
        "Consistent reads are not supported on global secondary indexes")


def test_select_all_attributes_on_keys_only_gsi_is_rejected(ddb: Any, indexed_table: str) -> None:
    with pytest.raises(ClientError) as raised:
        query_status(ddb, indexed_table, "open", Select="ALL_ATTRIBUTES")
    assert raised.value.response["Error"]["Message"] == (
        "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported "
        "for global secondary index by_status because its projection type is not ALL")


def test_unknown_index(ddb: Any, indexed_table: str) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.scan(TableName=indexed_table, IndexName="nope")
    assert raised.value.response["Error"]["Message"] == (
        "The table does not have the specified index: nope")


def test_start_key_must_name_index_and_table_keys(ddb: Any, indexed_table: str) -> None:
    with pytest.raises(ClientError) as raised:
        query_status(ddb, indexed_table, "open",
                     ExclusiveStartKey={"pk": {"S": "a"}, "sk": {"N": "1"}})
    assert raised.value.response["Error"]["Message"].startswith(
        "The provided starting key is invalid")


def test_index_writes_keep_one_stream_record_per_change(ddb: Any, streams: Any,
                                                        indexed_table: str) -> None:
    put(ddb, indexed_table, "a", 1, status="open")
    put(ddb, indexed_table, "a", 1, status="closed")
    arn = ddb.describe_table(TableName=indexed_table)["Table"]["LatestStreamArn"]
    names = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        names.extend(r["eventName"] for r in streams.get_records(ShardIterator=iterator)["Records"])
    assert sorted(names) == ["INSERT", "MODIFY"]


def test_item_collection_metrics_for_lsi_tables(ddb: Any, indexed_table: str) -> None:
    response = ddb.put_item(TableName=indexed_table,
                            Item={"pk": {"S": "c"}, "sk": {"N": "1"}, "rank": {"N": "5"}},
                            ReturnItemCollectionMetrics="SIZE")
    assert response["ItemCollectionMetrics"] == {"ItemCollectionKey": {"pk": {"S": "c"}},
                                                 "SizeEstimateRangeGB": [0.0, 1.0]}
    updated = ddb.update_item(TableName=indexed_table, Key={"pk": {"S": "c"}, "sk": {"N": "1"}},
                              UpdateExpression="SET x = :x",
                              ExpressionAttributeValues={":x": {"S": "y"}},
                              ReturnItemCollectionMetrics="SIZE")
    assert updated["ItemCollectionMetrics"]["ItemCollectionKey"] == {"pk": {"S": "c"}}
    deleted = ddb.delete_item(TableName=indexed_table, Key={"pk": {"S": "c"}, "sk": {"N": "1"}},
                              ReturnItemCollectionMetrics="SIZE")
    assert deleted["ItemCollectionMetrics"]["ItemCollectionKey"] == {"pk": {"S": "c"}}
    quiet = ddb.put_item(TableName=indexed_table, Item={"pk": {"S": "c"}, "sk": {"N": "2"}})
    assert "ItemCollectionMetrics" not in quiet


def test_no_item_collection_metrics_without_lsi(ddb: Any, make_table: Any) -> None:
    name = make_table()
    response = ddb.put_item(TableName=name, Item={"pk": {"S": "a"}},
                            ReturnItemCollectionMetrics="SIZE")
    assert "ItemCollectionMetrics" not in response


def test_batch_write_reports_item_collection_metrics(ddb: Any, indexed_table: str) -> None:
    response = ddb.batch_write_item(RequestItems={indexed_table: [
        {"PutRequest": {"Item": {"pk": {"S": "d"}, "sk": {"N": "1"}}}},
        {"PutRequest": {"Item": {"pk": {"S": "e"}, "sk": {"N": "1"}}}},
    ]}, ReturnItemCollectionMetrics="SIZE")
    keys = [m["ItemCollectionKey"] for m in response["ItemCollectionMetrics"][indexed_table]]
    assert keys == [{"pk": {"S": "d"}}, {"pk": {"S": "e"}}]


def test_transact_write_reports_item_collection_metrics(ddb: Any, indexed_table: str) -> None:
    response = ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": indexed_table, "Item": {"pk": {"S": "f"}, "sk": {"N": "1"}}}},
    ], ReturnItemCollectionMetrics="SIZE")
    metrics = response["ItemCollectionMetrics"][indexed_table]
    assert [m["ItemCollectionKey"] for m in metrics] == [{"pk": {"S": "f"}}]


@pytest.mark.parametrize(("kwargs", "missing"), [
    ({"ProjectionExpression": "pk, note, color"}, "[note, color]"),
    ({"ProjectionExpression": "#s, tags.x", "ExpressionAttributeNames": {"#s": "status"}},
     "[tags]"),
    ({"AttributesToGet": ["status", "note"]}, "[note]"),
])
def test_gsi_refuses_unprojected_attributes(ddb: Any, indexed_table: str,
                                            expect_error: Any, kwargs: dict[str, Any],
                                            missing: str) -> None:
    """AWS wording recorded in localstack issue #478."""
    if "AttributesToGet" in kwargs:
        call = {"KeyConditions": {"status": {"ComparisonOperator": "EQ",
                                             "AttributeValueList": [{"S": "open"}]}}}
    else:
        names = kwargs.pop("ExpressionAttributeNames", {})
        call = {"KeyConditionExpression": "#st = :s",
                "ExpressionAttributeNames": {"#st": "status", **names},
                "ExpressionAttributeValues": {":s": {"S": "open"}}}
    expect_error(ddb.query, "ValidationException",
                 "One or more parameter values were invalid: Global secondary index by_status "
                 f"does not project {missing}",
                 TableName=indexed_table, IndexName="by_status", **call, **kwargs)


def test_gsi_projection_of_projected_attributes(ddb: Any, indexed_table: str) -> None:
    put(ddb, indexed_table, "a", 1, owner="ann", note="n", color="red")
    result = ddb.scan(TableName=indexed_table, IndexName="by_owner",
                      ProjectionExpression="note, pk")
    assert result["Items"] == [{"note": {"S": "n"}, "pk": {"S": "a"}}]


@pytest.fixture
def lsi_keys_only(ddb: Any, unique: Any) -> Any:
    """pk (S) + sk (N); LSI `by_rank` on pk + rank (N), KEYS_ONLY."""
    name = unique("lsiko")
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t}
                              for n, t in (("pk", "S"), ("sk", "N"), ("rank", "N"))],
        LocalSecondaryIndexes=[{"IndexName": "by_rank", "Projection": {"ProjectionType":
                                                                       "KEYS_ONLY"},
                                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                              {"AttributeName": "rank", "KeyType": "RANGE"}]}])
    for sk, rank in ((1, 2), (2, 1)):
        put(ddb, name, "a", sk, rank=rank, note=f"n{sk}")
    yield name
    ddb.delete_table(TableName=name)


def query_rank(ddb: Any, table: str, **kwargs: Any) -> list[dict[str, Any]]:
    return ddb.query(TableName=table, IndexName="by_rank", KeyConditionExpression="pk = :p",
                     ExpressionAttributeValues={":p": {"S": "a"}, **kwargs.pop("values", {})},
                     **kwargs)["Items"]


def test_lsi_select_all_attributes_reads_the_table(ddb: Any, lsi_keys_only: str) -> None:
    assert query_rank(ddb, lsi_keys_only) == [
        {"pk": {"S": "a"}, "sk": {"N": "2"}, "rank": {"N": "1"}},
        {"pk": {"S": "a"}, "sk": {"N": "1"}, "rank": {"N": "2"}}]
    full = query_rank(ddb, lsi_keys_only, Select="ALL_ATTRIBUTES")
    assert [i["note"]["S"] for i in full] == ["n2", "n1"]


def test_lsi_projection_and_filter_read_the_table(ddb: Any, lsi_keys_only: str) -> None:
    assert query_rank(ddb, lsi_keys_only, ProjectionExpression="note") == [
        {"note": {"S": "n2"}}, {"note": {"S": "n1"}}]
    filtered = query_rank(ddb, lsi_keys_only, FilterExpression="note = :n",
                          values={":n": {"S": "n1"}})
    assert filtered == [{"pk": {"S": "a"}, "sk": {"N": "1"}, "rank": {"N": "2"}}]
