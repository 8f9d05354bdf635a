"""Testing a DynamoDB stream handler with Headwater's pytest plugin.

Install Headwater (it registers the plugin), then run `python -m pytest` here: each test gets
its own account on one shared server (`headwater`), so the tests may all use the same table
names and need no cleanup. A test that moves the clock takes `headwater_private` instead: a
server of its own, since the clock is one per server.
"""

import io
import zipfile
from pathlib import Path

HANDLER = Path(__file__).with_name("order_totals.py")


def create_table(ddb, name, key, stream=False):
    extra = {"StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}}
    description = ddb.create_table(
        TableName=name, KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST", **(extra if stream else {}))["TableDescription"]
    return description.get("LatestStreamArn")


def deploy(headwater):
    """The orders table, its stream wired to the handler, and the totals table; the
    mapping's UUID."""
    ddb, lam = headwater.client("dynamodb"), headwater.client("lambda")
    stream = create_table(ddb, "orders", "id", stream=True)
    create_table(ddb, "totals", "customer")
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.write(HANDLER, "order_totals.py")
    lam.create_function(
        FunctionName="order-totals", Runtime="python3.12", Handler="order_totals.handler",
        Role=f"arn:aws:iam::{headwater.account_id}:role/order-totals",
        Code={"ZipFile": code.getvalue()},
        Environment={"Variables": {"TOTALS_TABLE": "totals"}})
    return lam.create_event_source_mapping(
        FunctionName="order-totals", EventSourceArn=stream, StartingPosition="TRIM_HORIZON",
        BatchSize=10)["UUID"]


def test_each_new_order_adds_to_its_customer_s_total(headwater):
    mapping = deploy(headwater)
    orders = headwater.resource("dynamodb").Table("orders")
    orders.put_item(Item={"id": "o1", "customer": "ada", "amount": 30})
    orders.put_item(Item={"id": "o2", "customer": "ada", "amount": 12})
    orders.put_item(Item={"id": "o3", "customer": "bo", "amount": 5})

    headwater.wait_for_trigger(mapping, records=3)

    totals = headwater.resource("dynamodb").Table("totals")
    assert totals.get_item(Key={"customer": "ada"})["Item"] == {
        "customer": "ada", "total": 42, "orders": 2}
    assert totals.get_item(Key={"customer": "bo"})["Item"]["total"] == 5


def test_updates_do_not_count_again(headwater):
    # Same table names as the test above: each test is an account of its own.
    mapping = deploy(headwater)
    orders = headwater.resource("dynamodb").Table("orders")
    orders.put_item(Item={"id": "o1", "customer": "ada", "amount": 30})
    orders.update_item(Key={"id": "o1"}, UpdateExpression="SET note = :n",
                       ExpressionAttributeValues={":n": "gift"})

    headwater.wait_for_trigger(mapping, records=2)

    totals = headwater.resource("dynamodb").Table("totals")
    assert totals.get_item(Key={"customer": "ada"})["Item"]["orders"] == 1


def test_expired_orders_are_deleted_by_ttl(headwater_private):
    # Moving the clock: a server of this test's own.
    ddb = headwater_private.client("dynamodb")
    create_table(ddb, "orders", "id")
    ddb.update_time_to_live(TableName="orders", TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expires"})
    in_an_hour = int(headwater_private.now()) + 3600
    ddb.put_item(TableName="orders", Item={"id": {"S": "o1"},
                                           "expires": {"N": str(in_an_hour)}})

    headwater_private.advance(2 * 3600)

    headwater_private.wait_for(
        lambda: "Item" not in ddb.get_item(TableName="orders", Key={"id": {"S": "o1"}}))
