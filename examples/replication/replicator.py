"""Lambda handler: copy every change on the orders table into the replica table.

Each order carries a `version` number that grows with every update. Writes to the replica are
conditional on that version, so applying a record twice (a retried batch) or out of date is a
no-op: the replica converges whatever the retries.

It speaks DynamoDB's JSON API with the standard library (AWS_ENDPOINT_URL points at Headwater),
so it runs in any Python; with boto3 the two calls are `put_item` / `delete_item` with the same
parameters.
"""

import json
import os
import random
import urllib.error
import urllib.request

ENDPOINT = os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
REPLICA = os.environ["REPLICA_TABLE"]
FAIL_RATE = float(os.environ.get("FAIL_RATE", "0"))


class ConditionalCheckFailed(Exception):
    pass


def handler(event, context):
    for number, record in enumerate(event["Records"]):
        apply(record)
        if number == len(event["Records"]) // 2 and random.random() < FAIL_RATE:
            # A crash half-way through a batch: the whole batch is retried, and the records
            # already applied are skipped by the version conditions.
            raise RuntimeError("simulated crash after a partial batch")
    return {"applied": len(event["Records"])}


def apply(record):
    change = record["dynamodb"]
    try:
        if record["eventName"] == "REMOVE":
            call("DeleteItem", {
                "TableName": REPLICA, "Key": change["Keys"],
                "ConditionExpression": "attribute_not_exists(version) OR version <= :v",
                "ExpressionAttributeValues": {":v": change["OldImage"]["version"]}})
        else:
            call("PutItem", {
                "TableName": REPLICA, "Item": change["NewImage"],
                "ConditionExpression": "attribute_not_exists(version) OR version < :v",
                "ExpressionAttributeValues": {":v": change["NewImage"]["version"]}})
    except ConditionalCheckFailed:
        pass  # the replica already holds this version or a newer one


def call(operation, body):
    request = urllib.request.Request(
        ENDPOINT, data=json.dumps(body).encode(), method="POST",
        headers={"X-Amz-Target": f"DynamoDB_20120810.{operation}",
                 "Content-Type": "application/x-amz-json-1.0"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        answer = json.loads(error.read() or b"{}")
        if answer.get("__type", "").endswith("ConditionalCheckFailedException"):
            raise ConditionalCheckFailed() from None
        raise RuntimeError(f"{operation} failed: {answer}") from None
