"""Lambda handler: copy every change on the orders table into the replica table.

Each order carries a `version` number that grows with every update. Writes to the replica are
conditional on that version, so applying a record twice (a retried batch) or out of date is a
no-op: the replica converges whatever the retries.

This is an ordinary boto3 handler: inside Headwater, AWS_ENDPOINT_URL and the credentials point
boto3 back at Headwater, as they would point at AWS in a real function.
"""

import os
import random
import time

import boto3

REPLICA = os.environ["REPLICA_TABLE"]
FAIL_RATE = float(os.environ.get("FAIL_RATE", "0"))
DELAY = float(os.environ.get("DELAY", "0"))  # seconds per batch: alarm.py makes it slow
dynamodb = boto3.client("dynamodb")


def handler(event, context):
    time.sleep(DELAY)
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
            dynamodb.delete_item(
                TableName=REPLICA, Key=change["Keys"],
                ConditionExpression="attribute_not_exists(version) OR version <= :v",
                ExpressionAttributeValues={":v": change["OldImage"]["version"]})
        else:
            dynamodb.put_item(
                TableName=REPLICA, Item=change["NewImage"],
                ConditionExpression="attribute_not_exists(version) OR version < :v",
                ExpressionAttributeValues={":v": change["NewImage"]["version"]})
    except dynamodb.exceptions.ConditionalCheckFailedException:
        pass  # the replica already holds this version or a newer one
