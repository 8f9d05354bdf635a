"""Lambda handler: keep a running total per customer of the orders table's new orders.

An ordinary boto3 handler: inside Headwater, AWS_ENDPOINT_URL and the credentials point boto3
back at Headwater (in the caller's account), as they would point at AWS in a real function.
"""

import os
from decimal import Decimal

import boto3

TOTALS = os.environ.get("TOTALS_TABLE", "totals")
dynamodb = boto3.client("dynamodb")


def handler(event, context):
    for record in event["Records"]:
        if record["eventName"] != "INSERT":
            continue
        order = record["dynamodb"]["NewImage"]
        dynamodb.update_item(
            TableName=TOTALS, Key={"customer": order["customer"]},
            # TOTAL is one of DynamoDB's reserved words: named through a placeholder.
            UpdateExpression="ADD #total :amount, orders :one",
            ExpressionAttributeNames={"#total": "total"},
            ExpressionAttributeValues={":amount": {"N": str(Decimal(order["amount"]["N"]))},
                                       ":one": {"N": "1"}})
    return {}
