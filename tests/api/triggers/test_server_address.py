"""Handlers reach the server that runs them: AWS_ENDPOINT_URL names the address the server is
bound to from its first moment, so a mapping resumed after a restart on a new port (with no
Lambda request yet) calls the new server. (DescribeEndpoints: dynamodb_reads/
test_limits_endpoints.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from server_support import client, start_server
from triggers_support import HOST_FILES, ROLE, wait_for, zip_source

# Copies every new item into the table named by $AUDIT through the SDK's default endpoint.
COPYING_HANDLER = '''
import os
import boto3

def handler(event, context):
    ddb = boto3.client("dynamodb")
    for record in event["Records"]:
        ddb.put_item(TableName=os.environ["AUDIT"], Item=record["dynamodb"]["Keys"])
'''

KEY = [{"AttributeName": "pk", "KeyType": "HASH"}]
DEFINITIONS = [{"AttributeName": "pk", "AttributeType": "S"}]


def _set_up(url: str) -> None:
    lam, ddb = client("lambda", url), client("dynamodb", url)
    ddb.create_table(TableName="audit", BillingMode="PAY_PER_REQUEST", KeySchema=KEY,
                     AttributeDefinitions=DEFINITIONS)
    stream = ddb.create_table(
        TableName="orders", BillingMode="PAY_PER_REQUEST", KeySchema=KEY,
        AttributeDefinitions=DEFINITIONS,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )["TableDescription"]["LatestStreamArn"]
    lam.create_function(FunctionName="copier", Runtime="python3.11", Role=ROLE,
                        Handler="handler.handler", Code={"ZipFile": zip_source(COPYING_HANDLER)},
                        Environment={"Variables": {"AUDIT": "audit"}})
    lam.create_event_source_mapping(FunctionName="copier", EventSourceArn=stream,
                                    StartingPosition="TRIM_HORIZON", BatchSize=1)


def _copied(ddb: Any, pk: str) -> bool:
    return "Item" in ddb.get_item(TableName="audit", Key={"pk": {"S": pk}})


@pytest.mark.slow
@pytest.mark.local_only
def test_resumed_mapping_calls_the_restarted_server(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    first = start_server("--data-dir", data, *HOST_FILES)
    try:
        _set_up(first.url)
        ddb = client("dynamodb", first.url)
        ddb.put_item(TableName="orders", Item={"pk": {"S": "before"}})
        wait_for(lambda: _copied(ddb, "before"))
    finally:
        first.stop()
    second = start_server("--data-dir", data, *HOST_FILES)
    try:
        assert second.url != first.url
        # No Lambda API request reaches the second server: only DynamoDB writes.
        ddb = client("dynamodb", second.url)
        ddb.put_item(TableName="orders", Item={"pk": {"S": "after"}})
        wait_for(lambda: _copied(ddb, "after"))
    finally:
        second.stop()

